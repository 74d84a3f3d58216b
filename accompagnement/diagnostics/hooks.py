"""Self-diagnosis entries of the menus and home-page to-dos (see core.hooks)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.diagnostics import selectors
from accompagnement.diagnostics.models import Autodiagnostic
from core.hooks import MenuEntry, Todo
from core.routing import structure_url
from tenants import access

GROUP = "Autodiagnostic"


def structure_menu(user, structure):
    yield MenuEntry(_("Autodiagnostic"), structure_url(structure, "diagnostics:list"), order=10)


def structure_todos(user, structure):
    """Criteria left to answer (staff who answer), self-diagnoses to confirm (expert)."""
    latest = Autodiagnostic.objects.order_by("-annee", "-created_at").first()
    if latest is None:
        if access.can_manage_autodiagnostic(user, structure):
            yield Todo(
                _("Ouvrir le premier autodiagnostic"),
                structure_url(structure, "diagnostics:list"),
                group=_(GROUP),
            )
        return
    if latest.statut == Autodiagnostic.Statut.BROUILLON and access.can_answer_autodiagnostic(
        user, structure
    ):
        missing = latest.reponses.filter(valeur__isnull=True).count()
        if missing:
            yield Todo(
                ngettext("%(n)s critère à renseigner", "%(n)s critères à renseigner", missing)
                % {"n": missing},
                structure_url(structure, "diagnostics:answer", latest.pk),
                count=missing,
                group=_(GROUP),
            )
    if latest.statut == Autodiagnostic.Statut.SOUMIS and access.can_confirm_autodiagnostic(
        user, structure
    ):
        yield Todo(
            _("Autodiagnostic %(annee)s à confirmer") % {"annee": latest.annee},
            structure_url(structure, "diagnostics:confirmation", latest.pk),
            kind="warning",
            group=_(GROUP),
        )
    if (
        latest.statut == Autodiagnostic.Statut.REOUVERTURE_DEMANDEE
        and access.can_reopen_autodiagnostic(user, structure)
    ):
        yield Todo(
            _("Réouverture demandée (autodiagnostic %(annee)s)") % {"annee": latest.annee},
            structure_url(structure, "diagnostics:answer", latest.pk),
            kind="warning",
            group=_(GROUP),
        )


def todos_for(user):
    """The expert's queue on the network home page: one to-do per self-diagnosis to confirm."""
    if not access.is_expert(user):
        return
    for entry in selectors.expert_queue(user):
        name = (
            "diagnostics:confirmation"
            if entry.statut == Autodiagnostic.Statut.SOUMIS
            else "diagnostics:answer"
        )
        yield Todo(
            _(
                "%(structure)s : autodiagnostic %(annee)s — %(statut)s (%(faits)s/%(total)s confirmés)"
            )
            % {
                "structure": entry.structure.nom,
                "annee": entry.annee,
                "statut": entry.statut_label,
                "faits": entry.nb_confirmes,
                "total": entry.nb_criteres,
            },
            structure_url(entry.structure, name, entry.autodiagnostic_id),
            count=1,
            kind="warning",
            group=_(GROUP),
        )
