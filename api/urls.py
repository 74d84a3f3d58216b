"""The API's URL lists, gathered from each domain sub-package.

Each sub-package (``api/<domain>/urls.py``) exposes ``network_urlpatterns`` (served
under ``/api/v1/``) and ``structure_urlpatterns`` (served under ``/s/<slug>/api/v1/``).
"""

from importlib import import_module

from django.urls import include, path

DOMAINS = ["tenants", "referentiels", "diagnostics", "accompagnement", "bilans", "qualite"]


def _collect(attribute: str) -> list:
    patterns: list = []
    for domain in DOMAINS:
        patterns += getattr(import_module(f"api.{domain}.urls"), attribute)
    return patterns


def network_patterns() -> list:
    return _collect("network_urlpatterns")


def structure_patterns() -> list:
    return _collect("structure_urlpatterns")


def schema_patterns() -> list:
    """Both API surfaces, for one OpenAPI document (structure paths under /s/{structure}/)."""
    return [
        path("api/v1/", include(network_patterns())),
        path("s/<slug:structure>/api/v1/", include(structure_patterns())),
    ]
