"""Reads of the structure's review: the pre-filled figures, gathered from the structure's
own data (self-diagnoses, registers, deliverables, action plan) and its group's meetings.

Query count is bounded (one query per source, whatever the number of years or rows).
Computation is in the pure modules ``reporting.indicators`` and ``diagnostics.scoring``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import IntegerField, Q, QuerySet, Value
from django.utils import timezone

from accompagnement.bilans.models import BilanStructure
from accompagnement.diagnostics.models import Autodiagnostic
from accompagnement.diagnostics.scoring import CriterionInput
from accompagnement.diagnostics.scoring_inputs import frame_shape, scoring_inputs
from accompagnement.livrables.models import LivrableVersion
from accompagnement.plans.models import Action
from accompagnement.registres.models import EnqueteSatisfaction, NombreClients, Reclamation
from accompagnement.reporting import indicators
from accompagnement.reporting.models import Campagne
from core.semesters import semester_bounds
from tenants.models import Structure

# Best status first: the self-diagnosis of a year that counts for that year's rate.
_STATUS_RANK: dict[str, int] = {
    Autodiagnostic.Statut.CONFIRME: 0,
    Autodiagnostic.Statut.SOUMIS: 1,
    Autodiagnostic.Statut.REOUVERTURE_DEMANDEE: 2,
    Autodiagnostic.Statut.BROUILLON: 3,
}
YEARS_SHOWN = 3


def bilans_of_structure() -> QuerySet[BilanStructure]:
    return BilanStructure.objects.select_related("campagne", "submitted_by").order_by(
        "-campagne__annee", "-campagne__semestre"
    )


def campagnes_for_structure(structure: Structure) -> QuerySet[Campagne]:
    """Campaigns that concern the structure: those whose engaged structures, recorded at the
    opening, include it (older campaigns: network-wide ones and its territory's)."""
    return Campagne.objects.filter(
        Q(perimetre_enregistre=True, structures_concernees=structure)
        | Q(perimetre_enregistre=False)
        & (Q(territoire__isnull=True) | Q(territoire_id=structure.territoire_id))
    )


def _autodiagnostics_by_year(max_year: int) -> dict[int, Autodiagnostic]:
    chosen: dict[int, Autodiagnostic] = {}
    for autodiagnostic in (
        Autodiagnostic.objects.filter(annee__lte=max_year)
        .select_related("version")
        .order_by("-created_at")
    ):
        current = chosen.get(autodiagnostic.annee)
        if current is None or _STATUS_RANK.get(autodiagnostic.statut, 9) < _STATUS_RANK.get(
            current.statut, 9
        ):
            chosen[autodiagnostic.annee] = autodiagnostic
    return chosen


def diagnosis_items(
    autodiagnostics: list[Autodiagnostic], structure_type: str
) -> dict[int, list[CriterionInput]]:
    """Per self-diagnosis id: every applicable criterion of its frame version with the
    declared and confirmed values, keyed by codes (``diagnostics.scoring_inputs``, the one
    builder of scoring inputs)."""
    return scoring_inputs(autodiagnostics, structure_type=structure_type, by_code=True)


def theme_titles(autodiagnostics: list[Autodiagnostic]) -> dict[str, str]:
    """Each theme's title by code, from the frames' shapes (no query for a published one)."""
    titles: dict[str, str] = {}
    for autodiagnostic in autodiagnostics:
        for theme in frame_shape(autodiagnostic.version).themes:
            titles.setdefault(theme.code, theme.titre)
    return titles


def node_labels(autodiagnostics: list[Autodiagnostic]) -> dict[str, dict[str, Any]]:
    """Every node of the frames (any depth): code → title, depth and order in the tree."""
    result: dict[str, dict[str, Any]] = {}
    for autodiagnostic in autodiagnostics:
        shape = frame_shape(autodiagnostic.version)
        for position, node in enumerate(shape.nodes_in_order()):
            result.setdefault(
                node.code, {"titre": node.titre, "profondeur": node.depth, "ordre": position}
            )
    return result


def _int(value: int) -> Value:
    return Value(value, output_field=IntegerField())


def _register_years(max_year: int) -> dict[int, dict[str, Any]]:
    years: dict[int, dict[str, Any]] = defaultdict(dict)
    # One read of the complaints gives both the counts by form and the clients who complained.
    complainers = defaultdict(list)
    for year, forme, reference in Reclamation.objects.filter(date__year__lte=max_year).values_list(
        "date__year", "forme", "client_reference"
    ):
        entry = years[year]
        entry.setdefault("reclamations_orales", 0)
        entry.setdefault("reclamations_ecrites", 0)
        if forme == Reclamation.Forme.ORALE:
            entry["reclamations_orales"] += 1
        elif forme == Reclamation.Forme.ECRITE:
            entry["reclamations_ecrites"] += 1
        complainers[year].append(reference)
    # Client counts and surveys in one read (UNION ALL): (0, year, clients, 0, 0, 0) and
    # (1, year, very satisfied, satisfied, not very, not satisfied).
    clients: dict[int, int] = {}
    surveys: defaultdict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    counts = (
        NombreClients.objects.filter(annee__lte=max_year)
        .order_by()
        .annotate(kind=_int(0), b=_int(0), c=_int(0), d=_int(0))
        .values_list("kind", "annee", "nombre", "b", "c", "d")
    )
    answers = (
        EnqueteSatisfaction.objects.filter(annee__lte=max_year)
        .order_by()
        .annotate(kind=_int(1))
        .values_list(
            "kind", "annee", "tres_satisfaits", "satisfaits", "peu_satisfaits", "pas_satisfaits"
        )
    )
    for kind, annee, a, b, c, d in counts.union(answers, all=True):
        if kind == 0:
            clients[annee] = a
        else:
            surveys[annee].append((a, b, c, d))
    for year in set(years) | set(clients) | set(surveys):
        entry = years[year]
        entry.setdefault("reclamations_orales", 0)
        entry.setdefault("reclamations_ecrites", 0)
        entry["reclamations"] = entry["reclamations_orales"] + entry["reclamations_ecrites"]
        entry["clients"] = clients.get(year)
        entry["clients_mecontents"] = len(set(complainers.get(year, [])))
        entry["taux_mecontents"] = indicators.unhappy_rate(
            complainers.get(year, []), clients.get(year)
        )
        entry["taux_satisfaits"] = indicators.satisfaction_rate(surveys.get(year, []))
    return years


def validated_tools() -> list[dict[str, Any]]:
    """Finalised tools: deliverables with at least one validated version."""
    seen: dict[int, dict[str, Any]] = {}
    versions = (
        LivrableVersion.objects.filter(statut=LivrableVersion.Statut.VALIDE)
        .select_related("livrable__type_livrable")
        .order_by("livrable_id", "-numero")
    )
    for version in versions:
        if version.livrable_id in seen:
            continue
        type_livrable = version.livrable.type_livrable
        seen[version.livrable_id] = {
            "titre": version.livrable.titre,
            "type": type_livrable.libelle,
            "critere": type_livrable.critere_code,
            "theme": ".".join(type_livrable.critere_code.split(".")[:2])
            if type_livrable.critere_code
            else "",
            "version": version.numero,
        }
    return sorted(seen.values(), key=lambda tool: (tool["critere"], tool["titre"]))


def participation_rate(structure: Structure, campagne: Campagne) -> float | None:
    """The structure's attendance at its groups' meetings held during the campaign's
    semester (definition of ``accompagnement.groupes.rates``)."""
    from accompagnement.groupes.models import AdhesionGroupe, Emargement, ReunionCollective
    from accompagnement.groupes.rates import group_participation, structure_participation

    start, end = semester_bounds(campagne.annee, campagne.semestre)
    end = min(end, timezone.localdate())
    meetings = defaultdict(list)
    for mid, groupe_id, moment in ReunionCollective.objects.filter(
        groupe__structures=structure, annulee=False, date__date__gte=start, date__date__lte=end
    ).values_list("pk", "groupe_id", "date"):
        meetings[groupe_id].append((mid, timezone.localtime(moment).date()))
    if not meetings:
        return None
    joined = dict(
        AdhesionGroupe.objects.filter(structure=structure).values_list("groupe_id", "date_entree")
    )
    attended = set(
        Emargement.objects.filter(structure=structure, reunion__groupe_id__in=meetings).values_list(
            "reunion_id", flat=True
        )
    )
    return group_participation(
        structure_participation(
            meetings=items,
            joined=joined.get(groupe_id, structure.date_engagement),
            attended_ids=attended,
        )
        for groupe_id, items in meetings.items()
    ).rate


def review_figures(structure: Structure, campagne: Campagne) -> dict[str, Any]:
    """Every figure of the review, JSON-ready (rates as fractions 0..1 or ``None``)."""
    year = campagne.annee
    chosen = _autodiagnostics_by_year(year)
    items_by_diag = diagnosis_items(list(chosen.values()), structure.type)
    registers = _register_years(year)
    years = sorted(set(chosen) | set(registers) | {year})[-YEARS_SHOWN:]
    per_year = {}
    figures_by_year = {
        annee: indicators.diagnosis_figures(items_by_diag[a.pk], headline=a.version.module_headline)
        for annee, a in chosen.items()
    }
    for annee in years:
        figures = figures_by_year.get(annee)
        per_year[str(annee)] = {
            "taux_declare": figures["declare"] if figures else None,
            "taux_confirme": figures["confirme"] if figures else None,
            **dict.fromkeys(("taux_satisfaits", "taux_mecontents", "clients")),
            "reclamations_orales": 0,
            "reclamations_ecrites": 0,
            "reclamations": 0,
            "clients_mecontents": 0,
            **registers.get(annee, {}),
        }
    # The campaign's year's self-diagnosis, else the latest before it.
    diagnostic = figures_by_year[max(figures_by_year)] if figures_by_year else None
    actions = list(Action.objects.values_list("titre", "statut"))
    return {
        "annee": year,
        "annees": per_year,
        "diagnostic": diagnostic,
        "themes_titres": theme_titles(list(chosen.values())),
        "noeuds_titres": node_labels(list(chosen.values())),
        "taux_plan_actions": indicators.action_plan_completion(statut for _, statut in actions),
        "actions_faites": sorted(
            titre for titre, statut in actions if statut == Action.Statut.FAIT
        ),
        "outils_finalises": validated_tools(),
        "taux_participation": participation_rate(structure, campagne),
    }


def snapshot_figures(structure: Structure, bilan: BilanStructure) -> dict[str, Any] | None:
    """The figures frozen at submission (a submitted review shows what was sent)."""
    from accompagnement.reporting.models import InstantaneBilan

    contenu = (
        InstantaneBilan.objects.filter(campagne_id=bilan.campagne_id, structure=structure)
        .values_list("contenu", flat=True)
        .first()
    )
    return (contenu or {}).get("figures")
