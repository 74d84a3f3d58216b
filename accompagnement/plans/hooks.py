"""The action plan in the structure menu and its late actions in the to-dos."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.plans import scoring, selectors
from core.figures import percent_text
from core.hooks import Kpi, MenuEntry, Todo
from core.routing import structure_url
from tenants import access


def structure_menu(user, structure):
    yield MenuEntry(_("Plan d'actions"), structure_url(structure, "plans:index"), order=30)


def _counts(structure) -> tuple[dict[str, int], int]:
    """The plan's counts by status and its late actions, read once a request: the
    structure's home shows them in a card and in a to-do (kept on the structure object,
    which lives for one request, as ``network_roles`` on the user)."""
    cached = getattr(structure, "_qr_plan_counts", None)
    if cached is None:
        cached = selectors.status_and_late_counts()
        structure._qr_plan_counts = cached
    return cached


def structure_todos(user, structure):
    """Late actions (the plan page's count), for everyone of the structure: readers see
    what their team has to catch up on."""
    if not access.can_view_structure(user, structure):
        return
    n = _counts(structure)[1]
    if n:
        yield Todo(
            ngettext("%(n)s action en retard", "%(n)s actions en retard", n) % {"n": n},
            structure_url(structure, "plans:index") + "?en_retard=1",
            count=n,
            kind="late",
            group=_("Plan d'actions"),
        )


def structure_dashboard(user, structure):
    """KPI cards: the plan's completion rate (with how many actions it counts) and the
    number of late actions (the plan page's figures)."""
    if not access.can_view_structure(user, structure):
        return
    counts, late = _counts(structure)
    rate = scoring.completion_rate_from_counts(counts)
    counted = sum(n for statut, n in counts.items() if statut != scoring.ABANDONED)
    done = counts.get(scoring.DONE, 0)
    yield Kpi(
        _("Réalisation du plan d'actions"),
        percent_text(None if rate is None else rate * 100),
        ngettext("%(done)s action faite sur %(n)s", "%(done)s actions faites sur %(n)s", done)
        % {"done": done, "n": counted}
        if counted
        else _("Aucune action à réaliser"),
        order=30,
    )
    open_actions = sum(counts.get(statut, 0) for statut in selectors.OPEN)
    yield Kpi(
        _("Actions en retard"),
        str(late),
        ngettext(
            "sur %(n)s action en cours ou à faire",
            "sur %(n)s actions en cours ou à faire",
            open_actions,
        )
        % {"n": open_actions},
        kind="late" if late else "ok",
        order=40,
    )
