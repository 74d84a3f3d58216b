"""``{% scale_options %}``: the options of a criterion's rating on the answer page.

The page shows the same scale for every criterion (49 in the module): the options are
rendered once per selected value and page, not once per criterion (issue 18: the page's
CPU is its rendering)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def scale_options(context: Any, valeurs: Any, selected_id: int | None, empty_label: str) -> str:
    cache: dict[Any, SafeString] = context.render_context.setdefault("scale_options", {})
    key = (id(valeurs), selected_id)
    if key not in cache:
        cache[key] = format_html(
            '<option value="">{}</option>{}',
            empty_label,
            format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((v.code, " selected" if v.pk == selected_id else "", v.libelle) for v in valeurs),
            ),
        )
    return cache[key]
