"""No internal code on screen: every page of the isolation matrix's URL list, and every
page linked from them (the matrix fills ids generically; following the links reaches the
real rows' detail pages), rendered as each role over a structure with real work in it,
shows no snake_case choice value (such as ``a_faire`` or ``reouverture_demandee``) in its
visible text — people read labels — and no date in a machine or English format (``2026-12-02``,
``Dec. 2, 2026``, ``4 p.m.``): dates read the French way."""

from __future__ import annotations

import html
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils.http import url_has_allowed_host_and_scheme

from tests.test_isolation_matrix import Ids, page_targets

# Staff, the structure's expert, the territory's pilot (readers see a subset of staff's
# pages, the federation admin the pilot's and more of the same templates).
ROLES_SHOWN = ("directeur", "expert", "pilote")
# Two-segment values that are also ordinary words of the pages' text would be false alarms.
HIDDEN_BLOCKS = re.compile(
    r"<(script|style|template|textarea|select)\b.*?</\1>|<!--.*?-->", re.S | re.I
)
TAG = re.compile(r"<[^>]+>")
HREF = re.compile(r'href="(/[^"#]*)')
NOT_CRAWLED = ("/compte/deconnexion/", "/i18n/", "/admin/", "/api/")
MAX_PAGES_PER_ROLE = 200
# Pages of one shape (ids and codes aside: /referentiels/versions/#/criteres/#/) are the same
# template over other rows: two of each are enough.
MAX_PER_SHAPE = 2
ISO_DATE = re.compile(r"(?<![\w/.-])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}\S*)?(?![\w-])")
ENGLISH_DATE = re.compile(
    r"\b(?:(?:January|February|April|June|July|August|September|October|November|December)"
    r"|(?:Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.|[ap]\.m\.|midnight|noon)(?!\w)"
)


def internal_codes() -> set[str]:
    """Every choice value of the apps' models that contains an underscore."""
    local = tuple(settings.LOCAL_APPS)
    codes: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith(local):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and "_" in value:
                    codes.add(value)
    return codes


def visible_text(body: str) -> str:
    """The text a person reads: no tags, attributes, scripts, styles or select options
    (an <option>'s value is an attribute; its label is checked where it is displayed)."""
    return html.unescape(TAG.sub(" ", HIDDEN_BLOCKS.sub(" ", body)))


def code_pattern(codes: set[str]) -> re.Pattern:
    return re.compile(r"(?<![\w./-])(" + "|".join(map(re.escape, sorted(codes))) + r")(?![\w])")


def test_the_check_finds_codes_in_text_only():
    codes = internal_codes()
    assert {"a_faire", "a_reprendre", "reouverture_demandee"} <= codes
    pattern = code_pattern(codes)
    page = (
        '<a href="?statut=a_faire" data-x="a_reprendre">Liste</a>'
        '<select><option value="a_faire">À faire</option></select>'
        "<script>const s = 'a_faire';</script>"
    )
    assert not pattern.findall(visible_text(page))
    assert pattern.findall(visible_text(page + '<span class="badge">a_faire</span>')) == ["a_faire"]


def test_the_check_finds_machine_and_english_dates_in_text_only():
    page = (
        '<input type="date" value="2026-12-02"><time datetime="2026-12-02">2 décembre 2026</time>'
    )
    assert not ISO_DATE.findall(visible_text(page)) and not ENGLISH_DATE.findall(page)
    assert ISO_DATE.findall(visible_text("<td>2026-12-02</td>")) == ["2026-12-02"]
    assert ISO_DATE.findall("Soumis le 2026-12-02 14:05:00+00:00") == ["2026-12-02 14:05:00+00:00"]
    assert ENGLISH_DATE.findall("Dec. 2, 2026, 4 p.m.") == ["Dec.", "p.m."]
    assert not ISO_DATE.findall("campagne 2026-S1, référence DOC-2026-01-03-A")


def crawl(client: Client, start: list[str]):
    """Yield (path, visible text) of every HTML page reachable from ``start``."""
    queue = list(dict.fromkeys(start))
    seen, per_shape = set(queue), {}
    pages = 0
    while queue and pages < MAX_PAGES_PER_ROLE:
        path = queue.pop(0)
        response = client.get(path)
        connection.set_schema_to_public()
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        body = response.content.decode("utf-8", "replace")
        yield path, visible_text(body)
        for link in HREF.findall(body):
            link = html.unescape(link)
            if link in seen or link.startswith(NOT_CRAWLED):
                continue
            if not url_has_allowed_host_and_scheme(link, allowed_hosts=None):
                continue
            shape = re.sub(r"/[^/?]*\d[^/?]*", "/#", link.split("?", 1)[0])
            per_shape[shape] = per_shape.get(shape, 0) + 1
            if per_shape[shape] > MAX_PER_SHAPE:
                continue
            seen.add(link)
            queue.append(link)


@pytest.mark.usefixtures("situation")
def test_no_page_shows_an_internal_code(network):
    codes = internal_codes()
    pattern = code_pattern(codes)
    alpha = network.structure
    ids = Ids(
        alpha.slug, alpha.pk, network.territoire.pk, network.groupe.pk, network.user("directeur").pk
    )
    start = [t.path for t in page_targets(ids, ids) if not t.path.startswith(NOT_CRAWLED)]
    problems: list[str] = []
    checked = 0
    for role in ROLES_SHOWN:
        client = Client(raise_request_exception=False)
        client.force_login(network.user(role), backend="django.contrib.auth.backends.ModelBackend")
        for path, text in crawl(client, start):
            checked += 1
            found = sorted(
                set(pattern.findall(text) + ISO_DATE.findall(text) + ENGLISH_DATE.findall(text))
            )
            if found:
                problems.append(f"{role} {path}: {', '.join(found)}")
    assert checked > 100
    assert not problems, "internal codes or unreadable dates on screen:\n" + "\n".join(problems)
