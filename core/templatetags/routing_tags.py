"""Template tags ``{% network_url %}`` and ``{% structure_url %}`` (see core.routing)."""

from typing import Any

from django import template

from core import routing

register = template.Library()


@register.simple_tag
def network_url(name: str, *args: Any, **kwargs: Any) -> str:
    return routing.network_url(name, *args, **kwargs)


@register.simple_tag
def structure_url(structure: Any, name: str, *args: Any, **kwargs: Any) -> str:
    return routing.structure_url(structure, name, *args, **kwargs)
