"""URLs across the two URL configurations.

Network pages (public schema) are in ``platform.urls``; structure pages are in
``platform.urls_structure``, mounted by django-tenants under ``/s/<slug>/``. Inside a
structure request ``reverse`` resolves structure URLs; these helpers cross over.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def network_url(name: str, *args: Any, **kwargs: Any) -> str:
    """A network-level URL, whichever schema the current request is in."""
    return reverse(
        name, urlconf=settings.PUBLIC_SCHEMA_URLCONF, args=args or None, kwargs=kwargs or None
    )


def structure_url(structure: Any, name: str, *args: Any, **kwargs: Any) -> str:
    """A URL inside ``structure``'s subfolder (``/s/<slug>/…``)."""
    path = reverse(name, urlconf=settings.ROOT_URLCONF, args=args or None, kwargs=kwargs or None)
    return f"/{settings.TENANT_SUBFOLDER_PREFIX}/{structure.slug}{path}"
