"""Writes of campaigns, review snapshots and territorial reviews."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accompagnement.reporting import indicators, materialised, selectors, workflow
from accompagnement.reporting.errors import ReportingError
from accompagnement.reporting.models import (
    BilanTerritoire,
    Campagne,
    InstantaneBilan,
)
from core.errors import BusinessError
from core.outbox import enqueue_email
from core.routing import structure_url
from core.semesters import semester_bounds
from tenants import access
from tenants.models import Membership, Structure, Territoire

logger = logging.getLogger("qualireseau.reporting")

# Reminder steps: (name, days relative to the due date).
REMINDER_STEPS = (("j-7", -7), ("j+1", 1))


def _require_territorial_editor(user, territoire: Territoire) -> None:
    access.require(
        access.can_edit_bilan_territoire(user, territoire),
        can_see=access.territoire_in_scope(user, territoire),
    )


@transaction.atomic
def open_campagne(
    *,
    user,
    libelle: str,
    semestre: int,
    annee: int,
    echeance: datetime.date,
    territoire: Territoire | None = None,
) -> Campagne:
    """Open a campaign: the federation for the network or a territory, a pilot for theirs."""
    access.require(
        access.can_open_campagne(user, territoire),
        can_see=access.territoire_in_scope(user, territoire),
    )
    if semestre not in (1, 2):
        raise BusinessError(ReportingError.INVALID, _("Le semestre est 1 ou 2."), field="semestre")
    try:
        with transaction.atomic():
            campagne = Campagne.objects.create(
                libelle=libelle.strip() or f"S{semestre} {annee}",
                semestre=semestre,
                annee=annee,
                echeance=echeance,
                territoire=territoire,
                ouverte_par=user,
                perimetre_enregistre=True,
            )
            campagne.structures_concernees.set(
                engaged_structures(territoire=territoire, on=timezone.localdate())
            )
            return campagne
    except IntegrityError:
        raise BusinessError(
            ReportingError.CAMPAGNE_EXISTS,
            _("Une campagne existe déjà pour ce semestre et ce périmètre."),
            field="semestre",
            status=409,
        ) from None


def engaged_structures(*, territoire: Territoire | None, on: datetime.date):
    """The structures engaged in the programme on a day (in a territory, or the whole
    network): real structures, not deleted, whose engagement date is not after that day
    (a structure without an engagement date counts as engaged since it was created)."""
    queryset = Structure.objects.reelles().filter(
        Q(date_engagement__isnull=True) | Q(date_engagement__lte=on)
    )
    if territoire is not None:
        queryset = queryset.filter(territoire=territoire)
    return queryset


def snapshot_columns(figures: dict) -> dict[str, Any]:
    """The headline columns of a snapshot, from ``bilans.selectors.review_figures``."""
    diagnostic = figures.get("diagnostic") or {}
    year = figures.get("annees", {}).get(str(figures.get("annee")), {})
    return {
        "taux_declare": diagnostic.get("declare"),
        "taux_confirme": diagnostic.get("confirme"),
        "tous_niveau1": indicators.retained_all_level(diagnostic, 1) if diagnostic else None,
        "tous_niveau2": indicators.retained_all_level(diagnostic, 2) if diagnostic else None,
        "taux_plan_actions": figures.get("taux_plan_actions"),
        "taux_participation": figures.get("taux_participation"),
        "taux_satisfaits": year.get("taux_satisfaits"),
        "reclamations": year.get("reclamations"),
        "taux_mecontents": year.get("taux_mecontents"),
        "indicateurs": {
            "taux_module": diagnostic.get("taux_module"),
            "moyenne_themes": diagnostic.get("moyenne_themes"),
            "imperatifs": indicators.retained_imperatives(diagnostic) if diagnostic else None,
            "noeuds": diagnostic.get("noeuds", {}),
            "themes": diagnostic.get("themes", {}),
            "niveaux": diagnostic.get("niveaux", {}),
            "criteres_cibles": diagnostic.get("criteres_cibles", {}),
            "themes_titres": figures.get("themes_titres", {}),
            "noeuds_titres": figures.get("noeuds_titres", {}),
        },
    }


def record_snapshot(
    *,
    campagne: Campagne,
    structure: Structure,
    user,
    figures: dict,
    contenu: dict,
    soumis_le: datetime.datetime,
) -> InstantaneBilan:
    """Write the immutable snapshot of a submitted review (called inside the submitting
    service's transaction) and, in the same transaction, the campaign's materialised figures
    of the scopes it belongs to (``reporting.materialised``). A second snapshot for the same
    campaign is refused."""
    materialised.lock(campagne.pk)  # one submission of the campaign at a time
    if InstantaneBilan.objects.filter(campagne=campagne, structure=structure).exists():
        raise BusinessError(
            ReportingError.ALREADY_SUBMITTED, _("Ce bilan a déjà été soumis."), status=409
        )
    snapshot = InstantaneBilan.objects.create(
        campagne=campagne,
        structure=structure,
        structure_nom=structure.nom,
        territoire_id=structure.territoire_id,
        groupe_ids=sorted(structure.groupes.values_list("pk", flat=True)),
        soumis_le=soumis_le,
        soumis_par=user,
        en_retard=timezone.localdate(soumis_le) > campagne.echeance,
        contenu={**contenu, "figures": figures},
        **snapshot_columns(figures),
    )
    materialised.record(snapshot)
    return snapshot


def _due_steps(campagne: Campagne, today: datetime.date) -> list[str]:
    """Steps whose date has come (a run missed yesterday still sends, keyed once)."""
    steps = []
    for step, offset in REMINDER_STEPS:
        day = campagne.echeance + datetime.timedelta(days=offset)
        if day <= today < day + datetime.timedelta(days=7):
            steps.append(step)
    return steps[-1:]  # only the latest step due


def send_campaign_reminders(*, today: datetime.date | None = None) -> int:
    """Remind the directors and référents of structures that have not submitted, 7 days
    before the due date and the day after it. Idempotent: the outbox key makes each
    (campaign, structure, step) email go out once, however often this runs."""
    today = today or timezone.localdate()
    sent = 0
    window = (today - datetime.timedelta(days=14), today + datetime.timedelta(days=7))
    for campagne in Campagne.objects.filter(echeance__range=window):
        steps = _due_steps(campagne, today)
        if not steps:
            continue
        step = steps[0]
        scope = selectors.Scope(campagne=campagne)
        submitted = set(
            InstantaneBilan.objects.filter(campagne=campagne).values_list("structure_id", flat=True)
        )
        recipients: dict[int, list[str]] = {}
        for structure_id, email in Membership.objects.filter(
            structure__in=scope.structures().exclude(pk__in=submitted),
            role__in=[Membership.Role.DIRECTEUR, Membership.Role.REFERENT],
            user__is_active=True,
        ).values_list("structure_id", "user__email"):
            recipients.setdefault(structure_id, []).append(email)
        structures = Structure.objects.in_bulk(list(recipients))
        with transaction.atomic():
            for structure_id, emails in recipients.items():
                structure = structures[structure_id]
                message = enqueue_email(
                    key=f"campagne-relance:{campagne.pk}:{structure_id}:{step}",
                    to=emails,
                    subject=_("Bilan semestriel %(campagne)s à remettre")
                    % {"campagne": campagne.libelle},
                    body=_reminder_body(campagne, structure, step),
                )
                sent += message is not None
    logger.info("campaign reminders: %s emails enqueued", sent)
    return sent


def _reminder_body(campagne: Campagne, structure: Structure, step: str) -> str:
    due = date_format(campagne.echeance, "j F Y")
    intro = (
        _("Le bilan semestriel %(campagne)s de %(structure)s est attendu pour le %(date)s.")
        if step == "j-7"
        else _(
            "Le bilan semestriel %(campagne)s de %(structure)s était attendu pour le %(date)s et n'a pas été soumis."
        )
    )
    from django.conf import settings

    return "\n\n".join(
        [
            intro % {"campagne": campagne.libelle, "structure": structure.nom, "date": due},
            _("Le bilan est prérempli avec vos indicateurs : %(url)s")
            % {"url": settings.SITE_URL + structure_url(structure, "bilans:index")},
        ]
    )


# --- Territorial review ------------------------------------------------------------------

TERRITOIRE_TEXT_FIELDS = (
    "date",
    "lieu",
    "auteur",
    "pilote_nom",
    "pilote_fonction",
    "pilote_telephone",
    "themes_criteres_etudies",
    "avancement_plan_collectif",
    "dynamique_reseau",
    "echanges_structures",
    "nb_structures_engagees",
    "nb_reunions",
    "taux_participation",
    "livrable_planning",
    "livrable_comptes_rendus",
    "livrable_plan_actions",
    "difficultes_ut",
    "difficultes_structures",
    "remarques",
)


def bilan_territoire_prefill(*, campagne: Campagne, territoire: Territoire, user) -> dict[str, Any]:
    """UT form values the platform already knows, from the snapshot store and the groups."""
    from accompagnement.groupes.models import ActionCollective, PlanningTheme

    consolidation = selectors.consolidate(selectors.Scope(campagne=campagne, territoire=territoire))
    familles = consolidation["familles"]
    participation = familles["effectivite"]["taux_participation"]
    start, end = semester_bounds(campagne.annee, campagne.semestre)
    themes = PlanningTheme.objects.filter(
        groupe__territoire=territoire, date_debut__lte=end, date_fin__gte=start
    ).values_list("theme_code", "theme_titre")
    actions = ActionCollective.objects.filter(groupe__territoire=territoire).values_list(
        "titre", flat=True
    )
    return {
        "date": timezone.localdate(),
        "auteur": user.get_full_name() or user.email,
        "pilote_nom": user.get_full_name(),
        "pilote_fonction": getattr(user, "function", ""),
        "pilote_telephone": getattr(user, "phone", ""),
        "nb_structures_engagees": familles["realisation"]["structures_engagees"],
        "nb_reunions": familles["realisation"]["reunions_collectives"],
        "taux_participation": None if participation is None else round(participation * 100, 1),
        "themes_criteres_etudies": "\n".join(f"{code} {titre}" for code, titre in themes),
        "avancement_plan_collectif": "\n".join(f"- {titre}" for titre in actions),
        "indicateurs_structures": {
            "module": consolidation["module"],
            "themes": consolidation["themes"],
            "part_tous_niveau1": consolidation["part_tous_niveau1"],
            "part_tous_niveau2": consolidation["part_tous_niveau2"],
            "impact": familles["impact"],
            "bilans": {k: v for k, v in consolidation["bilans"].items() if k != "manquants"},
        },
    }


@transaction.atomic
def open_bilan_territoire(*, campagne: Campagne, territoire: Territoire, user) -> BilanTerritoire:
    _require_territorial_editor(user, territoire)
    if campagne.territoire_id not in (None, territoire.pk):
        raise BusinessError(
            ReportingError.CAMPAGNE_OUT_OF_SCOPE, _("Cette campagne ne concerne pas ce territoire.")
        )
    bilan = BilanTerritoire.objects.filter(campagne=campagne, territoire=territoire).first()
    if bilan is None:
        bilan = BilanTerritoire.objects.create(
            campagne=campagne,
            territoire=territoire,
            **bilan_territoire_prefill(campagne=campagne, territoire=territoire, user=user),
        )
    return bilan


@transaction.atomic
def update_bilan_territoire(
    *, bilan: BilanTerritoire, user, data: dict[str, Any]
) -> BilanTerritoire:
    _require_territorial_editor(user, bilan.territoire)
    bilan = BilanTerritoire.objects.select_for_update().get(pk=bilan.pk)
    if bilan.statut != workflow.Statut.BROUILLON:
        raise BusinessError(
            ReportingError.IMMUTABLE,
            _("Ce bilan est soumis : il ne peut plus être modifié."),
            status=409,
        )
    for name in TERRITOIRE_TEXT_FIELDS:
        if name in data:
            setattr(bilan, name, data[name])
    bilan.full_clean()
    bilan.save()
    return bilan


@transaction.atomic
def submit_bilan_territoire(
    *, bilan: BilanTerritoire, user, commentaire: str = ""
) -> BilanTerritoire:
    _require_territorial_editor(user, bilan.territoire)
    bilan = (
        BilanTerritoire.objects.select_for_update().select_related("territoire").get(pk=bilan.pk)
    )
    workflow.BILAN_TERRITOIRE.apply(
        bilan, name="submit", actor=user, structure=bilan.territoire, commentaire=commentaire
    )
    return bilan
