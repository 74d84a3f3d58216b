"""Template tags ``{% network_url %}`` and ``{% structure_url %}`` (see core.routing)."""

from django import template

from core import routing

register = template.Library()


@register.simple_tag
def network_url(name, *args, **kwargs):
    return routing.network_url(name, *args, **kwargs)


@register.simple_tag
def structure_url(structure, name, *args, **kwargs):
    return routing.structure_url(structure, name, *args, **kwargs)
