"""Pages of a list that grows with the network or with time (structures, people,
campaigns, reviews, audit log): ``paginate`` cuts the list and gives the links to the
previous and next pages, keeping the filters of the query string. The links are plain
GET links (they work with or without htmx). Template: ``core/pagination.html``."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(
    request: HttpRequest, items: Any, *, per_page: int = PAGE_SIZE, param: str = "page"
) -> Page[Any]:
    """The page asked for by ``request.GET[param]`` (the first one when absent or wrong, the
    last one when too far), with ``previous_url`` and ``next_url`` (None at the ends)."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}"

    page.previous_url = (  # type: ignore[attr-defined]
        url(page.previous_page_number()) if page.has_previous() else None
    )
    page.next_url = url(page.next_page_number()) if page.has_next() else None  # type: ignore[attr-defined]
    return page
