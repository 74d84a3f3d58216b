"""Network menu entries and to-dos of reporting (campaigns, dashboards, UT reviews)."""

from urllib.parse import urlencode

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.diagnostics.models import Autodiagnostic
from accompagnement.reporting import suivi, todos
from core.hooks import MenuEntry, Todo
from core.routing import network_url, structure_url
from tenants import access

GROUP = "Bilans semestriels"
AUTODIAGNOSTIC_GROUP = "Autodiagnostic"


def network_menu(user):
    if access.is_expert(user):
        yield MenuEntry(
            _("Autodiagnostics à confirmer"), network_url("diagnostics-network:queue"), order=44
        )
    consolidating = access.can_read_consolidation(user)
    if consolidating:
        yield MenuEntry(_("Indicateurs"), network_url("reporting:tableau-de-bord"), order=50)
        yield MenuEntry(_("Bilans semestriels"), network_url("reporting:campagnes"), order=55)


def todos_for(user):
    """A pilot's territorial reviews to write and submit; for pilots and the federation
    admin, the structures whose review is late, per campaign; the expert's queue."""
    yield from _expert_todos(user)
    today = timezone.localdate()
    for due in todos.bilans_territoire_due(user):
        values = {
            "campagne": due.campagne.libelle,
            "territoire": due.territoire.nom,
            "date": formats.date_format(due.campagne.echeance, "SHORT_DATE_FORMAT"),
        }
        if due.bilan is None:
            label = _("Bilan %(campagne)s de %(territoire)s à ouvrir et remettre avant le %(date)s")
            url = network_url("reporting:campagnes")
        else:
            label = _(
                "Bilan %(campagne)s de %(territoire)s à terminer et soumettre avant le %(date)s"
            )
            url = network_url("reporting:bilan-territoire", due.bilan.pk)
        yield Todo(
            label % values,
            url,
            count=1,
            kind="late" if due.campagne.echeance < today else "warning",
            group=_(GROUP),
        )
    for late in todos.late_reviews(user, today=today):
        params = {"campagne": late.scope.campagne.pk}
        if late.scope.territoire is not None:
            params["territoire"] = late.scope.territoire.pk
        yield Todo(
            ngettext(
                "%(campagne)s : %(n)s structure n'a pas remis son bilan (échéance dépassée)",
                "%(campagne)s : %(n)s structures n'ont pas remis leur bilan (échéance dépassée)",
                late.count,
            )
            % {"campagne": _scope_label(late.scope), "n": late.count},
            network_url("reporting:tableau-de-bord") + "?" + urlencode(params),
            count=late.count,
            kind="late",
            group=_(GROUP),
        )


def _scope_label(scope) -> str:
    if scope.territoire is None:
        return scope.campagne.libelle
    return f"{scope.campagne.libelle} · {scope.territoire.nom}"


def _expert_todos(user):
    """The expert's queue on the network home page: one to-do per self-diagnosis to confirm
    or reopening to decide, across every structure they follow (``suivi.expert_queue``, the
    queue page's selector)."""
    if not access.is_expert(user):
        return
    for entry in suivi.expert_queue(user):
        if entry.statut == Autodiagnostic.Statut.SOUMIS:
            left = entry.nb_criteres - entry.nb_confirmes
            label = ngettext(
                "%(structure)s : %(n)s critère à confirmer (autodiagnostic %(annee)s)",
                "%(structure)s : %(n)s critères à confirmer (autodiagnostic %(annee)s)",
                left,
            ) % {"structure": entry.structure.nom, "n": left, "annee": entry.annee}
            url = structure_url(
                entry.structure, "diagnostics:confirmation", entry.autodiagnostic_id
            )
        else:
            left = 1
            label = _("%(structure)s : réouverture demandée (autodiagnostic %(annee)s)") % {
                "structure": entry.structure.nom,
                "annee": entry.annee,
            }
            url = structure_url(entry.structure, "diagnostics:answer", entry.autodiagnostic_id)
        yield Todo(label, url, count=left, kind="warning", group=_(AUTODIAGNOSTIC_GROUP))
