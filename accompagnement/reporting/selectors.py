"""Consolidation: reads ONLY the snapshot store (``InstantaneBilan``) and a few network
tables of the public schema — never the structures' schemas. A bounded number of
queries whatever the number of structures (see tests/bilans/test_consolidation.py).

Means and shares over structures are SQL aggregates (``reporting.aggregates``); a single
structure's figures come from the pure functions of ``reporting.indicators``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompagnement.diagnostics import scoring
from accompagnement.reporting import aggregates, indicators, materialised
from accompagnement.reporting.models import BilanTerritoire, Campagne, InstantaneBilan
from core.semesters import semester_bounds
from tenants import access, formations
from tenants.models import (
    EvenementFormation,
    ExpertAffectation,
    GroupeTravail,
    Structure,
    Territoire,
    User,
)

# The two definitions of the module rate over structures (docs/bilans.md).
MODULE_LABELS = {
    scoring.MOYENNE_CRITERES: _(
        "Moyenne sur tous les critères : moyenne, sur les structures, du taux de chaque "
        "structure calculé sur l'ensemble des critères évalués du module"
    ),
    scoring.MOYENNE_THEMES: _(
        "Moyenne des thèmes : moyenne des taux consolidés de chaque thème (chaque thème "
        "pèse autant, quel que soit son nombre de critères)"
    ),
}


@dataclass(frozen=True)
class Scope:
    campagne: Campagne
    territoire: Territoire | None = None
    groupe: GroupeTravail | None = None

    def snapshots(self) -> QuerySet[InstantaneBilan]:
        return aggregates.scope_snapshots(*materialised.key_of(self))

    def structures(self) -> QuerySet[Structure]:
        """The structures expected to submit: those the campaign concerns (recorded at its
        opening; every structure of its scope for campaigns opened before that record
        existed), narrowed to the view's territory and group."""
        queryset = Structure.objects.reelles()
        if self.campagne.perimetre_enregistre:
            queryset = queryset.filter(campagnes_concernees=self.campagne)
        territoire_id = self.territoire.pk if self.territoire else self.campagne.territoire_id
        if territoire_id is not None:
            queryset = queryset.filter(territoire_id=territoire_id)
        if self.groupe is not None:
            queryset = queryset.filter(groupes=self.groupe)
        return queryset


def campagnes_visible_to(user: Any) -> QuerySet[Campagne]:
    """Campaigns a person follows: all for the federation admin; a pilot's territories' and
    the network-wide ones for pilots and structure staff."""
    queryset = Campagne.objects.select_related("territoire")
    if access.is_federation_admin(user):
        return queryset
    # Subqueries, not lists: one query whenever the campaigns are read.
    return queryset.filter(
        Q(territoire__isnull=True)
        | Q(territoire_id__in=access.territoires_piloted_by(user).values("pk"))
        | Q(territoire_id__in=access.structures_visible_to(user).values("territoire_id"))
    )


def bilans_territoire_visible_to(user: Any) -> QuerySet[BilanTerritoire]:
    return BilanTerritoire.objects.select_related("campagne", "territoire").filter(
        territoire__in=access.territoires_consolidated_for(user)
    )


def snapshot_rows_json(scope: Scope) -> str:
    """The scope's rows (one per structure, by name: its snapshot's headline figures, gap,
    theme rates and effectivité criteria) as JSON text, serialised by PostgreSQL."""
    return aggregates.rows_json(scope.snapshots(), stored=materialised.key_of(scope))


def snapshot_rows(scope: Scope) -> list[dict[str, Any]]:
    """The same rows as Python dicts (pages and exports)."""
    rows: list[dict[str, Any]] = json.loads(snapshot_rows_json(scope))
    return rows


def consolidate(scope: Scope) -> dict[str, Any]:
    """The scope's figures: rates by theme, the three indicator families, reviews
    submitted/late — SQL aggregates over the snapshot store (``reporting.aggregates``).
    The per-structure rows are apart: ``snapshot_rows`` / ``snapshot_rows_json``."""
    snapshots = scope.snapshots()
    # What comes from the snapshots: materialised per campaign and scope, else live.
    stored = materialised.stored_figures(materialised.key_of(scope))
    store = stored if stored is not None else aggregates.scope_figures(snapshots)
    figures = store["totaux"]
    expected = (
        scope.structures()
        .annotate(soumis=Exists(snapshots.filter(structure=OuterRef("pk"))))
        .aggregate(
            attendus=Count("pk"),
            deploiement=Count("pk", filter=Q(phase=Structure.Phase.DEPLOIEMENT)),
            manquants=ArrayAgg("nom", filter=Q(soumis=False), order_by="nom", default=[]),
        )
    )
    overdue = timezone.localdate() > scope.campagne.echeance
    titles, node_titles = store["titres"], store["noeuds_titres"]
    themes = [
        {
            "code": code,
            "titre": titles.get(code, code),
            "declare": declared,
            "confirme": confirmed,
            "ecart": scoring.gap(declared, confirmed),
        }
        for code, declared, confirmed in store["themes"]
    ]
    module_declared, module_confirmed = figures["taux_declare"], figures["taux_confirme"]
    nodes = sorted(
        (
            {
                "code": code,
                "titre": node_titles.get(code, {}).get("titre", code),
                "profondeur": node_titles.get(code, {}).get("profondeur", 0),
                "declare": declared,
                "confirme": confirmed,
                "ecart": scoring.gap(declared, confirmed),
                "_ordre": node_titles.get(code, {}).get("ordre", 10**6),
            }
            for code, declared, confirmed in store["noeuds"]
        ),
        key=lambda node: (node["_ordre"], node["code"]),
    )
    for node in nodes:
        del node["_ordre"]
    themes_declared = scoring.mean(theme["declare"] for theme in themes)
    themes_confirmed = scoring.mean(theme["confirme"] for theme in themes)
    headline = store["taux_module"] or scoring.MOYENNE_CRITERES
    network = _network_counts(scope)
    return {
        "campagne": {
            "id": scope.campagne.pk,
            "libelle": scope.campagne.libelle,
            "echeance": scope.campagne.echeance.isoformat(),
        },
        "perimetre": {
            "territoire": scope.territoire.pk if scope.territoire else None,
            "groupe": scope.groupe.pk if scope.groupe else None,
        },
        "themes": themes,
        # Every node of any depth (chapter, thematic, objective…), mean over the structures.
        "noeuds": nodes,
        "module": {
            "declare": module_declared,
            "confirme": module_confirmed,
            "ecart": scoring.gap(module_declared, module_confirmed),
            "definition_principale": headline,
            "definitions": [
                {
                    "code": scoring.MOYENNE_CRITERES,
                    "libelle": str(MODULE_LABELS[scoring.MOYENNE_CRITERES]),
                    "declare": module_declared,
                    "confirme": module_confirmed,
                    "ecart": scoring.gap(module_declared, module_confirmed),
                    "principal": headline == scoring.MOYENNE_CRITERES,
                },
                {
                    "code": scoring.MOYENNE_THEMES,
                    "libelle": str(MODULE_LABELS[scoring.MOYENNE_THEMES]),
                    "declare": themes_declared,
                    "confirme": themes_confirmed,
                    "ecart": scoring.gap(themes_declared, themes_confirmed),
                    "principal": headline == scoring.MOYENNE_THEMES,
                },
            ],
        },
        "imperatifs": {
            "structures": figures["structures_avec_imperatifs"],
            "part_tous_satisfaits": figures["part_imperatifs_satisfaits"],
            "non_satisfaits": figures["imperatifs_non_satisfaits"] or 0,
        },
        "part_tous_niveau1": figures["part_tous_niveau1"],
        "part_tous_niveau2": figures["part_tous_niveau2"],
        "bilans": {
            "attendus": expected["attendus"],
            "soumis": figures["bilans"],
            "soumis_en_retard": figures["soumis_en_retard"],
            "manquants": expected["manquants"],
            "echeance_depassee": overdue,
        },
        "familles": {
            "realisation": {
                "structures_engagees": expected["attendus"],
                "structures_deploiement": expected["deploiement"],
                "pilotes": network["pilotes"],
                "experts": network["experts"],
                "experts_formes": network["experts_formes"],
                "pilotes_sensibilises": network["pilotes_sensibilises"],
                "part_diagnostic_realise": figures["diagnostics"] / expected["attendus"]
                if expected["attendus"]
                else None,
                "taux_conformite_declare": module_declared,
                "taux_conformite_confirme": module_confirmed,
                "reunions_collectives": network["reunions"],
                "part_tous_niveau1": figures["part_tous_niveau1"],
                "part_tous_niveau2": figures["part_tous_niveau2"],
            },
            "effectivite": {
                "taux_participation": figures["taux_participation"],
                "taux_plan_actions": figures["taux_plan_actions"],
                "criteres": figures["criteres"],
                "part_conformes_8_criteres": figures["part_conformes_8_criteres"],
            },
            "impact": {
                "taux_satisfaits": figures["taux_satisfaits"],
                "reclamations": figures["reclamations"] or 0,
                "taux_mecontents": figures["taux_mecontents"],
            },
        },
    }


def _network_counts(scope: Scope) -> dict[str, Any]:
    """Pilots, experts and collective meetings held in the scope during the semester."""
    from accompagnement.groupes.models import ReunionCollective

    territoire_id = scope.territoire.pk if scope.territoire else scope.campagne.territoire_id
    territoires = (
        Territoire.objects.all()
        if territoire_id is None
        else Territoire.objects.filter(pk=territoire_id)
    )
    # A group counts in a territory when it is its home or gathers one of its structures.
    groupes = GroupeTravail.objects.filter(
        Q(territoire__in=territoires) | Q(structures__territoire__in=territoires)
    )
    if scope.groupe is not None:
        groupes = groupes.filter(pk=scope.groupe.pk)
    groupes = GroupeTravail.objects.filter(pk__in=groupes.values("pk"))
    # Experts: those of the scope's groups and those assigned directly to its structures.
    experts = Q(groupes_expertises__in=groupes)
    if scope.groupe is None:
        experts |= Q(
            pk__in=ExpertAffectation.objects.filter(structure__in=scope.structures()).values(
                "expert"
            )
        )
    start, end = semester_bounds(scope.campagne.annee, scope.campagne.semestre)
    expert_ids = User.objects.filter(experts).values("pk")
    pilot_ids = User.objects.filter(territoires_pilotes__in=territoires).values("pk")
    # Recorded trainings and awareness sessions up to the semester's end (tenants.formations).
    trained = formations.attendees(type=EvenementFormation.Type.FORMATION_EXPERTS, until=end)
    aware = formations.attendees(type=EvenementFormation.Type.SENSIBILISATION_PILOTES, until=end)
    meetings = ReunionCollective.objects.filter(
        groupe__in=groupes, annulee=False, date__date__gte=start, date__date__lte=end
    ).values("pk")
    # One statement, each set compiled once (the ORM's compilation of these sub-queries is
    # most of a dashboard's CPU): people counted among the existing users, as an aggregate
    # over ``User`` filtered by each set would.
    parts = [
        qs.order_by().query.sql_with_params() for qs in (pilot_ids, expert_ids, trained, aware)
    ]
    sql_meetings, params_meetings = meetings.order_by().query.sql_with_params()
    users, pk = User._meta.db_table, User._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH "
            + ", ".join(f"{name} AS ({sql})" for name, (sql, _) in zip("peta", parts, strict=True))
            + " SELECT "
            + ", ".join(
                f"(SELECT count(*) FROM {users} AS u WHERE {condition})"
                for condition in (
                    f"u.{pk} IN (SELECT * FROM p)",
                    f"u.{pk} IN (SELECT * FROM e)",
                    f"u.{pk} IN (SELECT * FROM e) AND u.{pk} IN (SELECT * FROM t)",
                    f"u.{pk} IN (SELECT * FROM p) AND u.{pk} IN (SELECT * FROM a)",
                )
            )
            + f", (SELECT count(*) FROM ({sql_meetings}) AS r)",
            [*(param for _, params in parts for param in params), *params_meetings],
        )
        counts = cursor.fetchone()
    names = ("pilotes", "experts", "experts_formes", "pilotes_sensibilises", "reunions")
    return dict(zip(names, counts, strict=True))


def drill_down(scope: Scope) -> list[dict[str, Any]]:
    """One line per child of the scope (territories of the network, groups of a territory,
    structures of a group) with its headline means — SQL aggregates over the store."""
    snapshots = scope.snapshots()
    if scope.territoire is None:
        children = [(t.pk, t.nom, "territoire") for t in Territoire.objects.order_by("nom")]
    elif scope.groupe is None:
        # Groups of the territory: its own and those gathering one of its structures (their
        # figures below are the territory's structures' only).
        children = [
            (g.pk, g.nom, "groupe")
            for g in GroupeTravail.objects.filter(
                pk__in=GroupeTravail.objects.filter(
                    Q(territoire=scope.territoire) | Q(structures__territoire=scope.territoire)
                ).values("pk")
            ).order_by("nom")
        ]
    else:
        children = [
            (pk, nom, "structure")
            for pk, nom in snapshots.order_by("structure_nom").values_list(
                "structure_id", "structure_nom"
            )
        ]
    figures = (
        materialised.stored_children(materialised.key_of(scope))
        or aggregates.headline_by(snapshots, children[0][2])
        if children
        else {}
    )
    empty = {"bilans": 0, **dict.fromkeys(aggregates.HEADLINE_NAMES[1:])}
    return [
        {"id": pk, "nom": nom, "niveau": kind, **figures.get(pk, empty)}
        for pk, nom, kind in children
    ]


def evolution(*, territoire: Territoire | None = None, limit: int = 8) -> list[dict[str, Any]]:
    """Headline means per campaign, the last ``limit`` campaigns, oldest first.

    Only those campaigns are read (first the last ``limit`` campaigns having a snapshot in
    scope, then their means), so the cost does not grow with the history; index
    ``instantane_terr_campagne_idx`` serves the territory-only filter. The means are the
    materialised ones (``reporting.materialised``), computed live for a campaign without."""
    snapshots = InstantaneBilan.objects.all()
    if territoire is not None:
        snapshots = snapshots.filter(territoire=territoire)
    campagnes = list(
        Campagne.objects.filter(Exists(snapshots.filter(campagne=OuterRef("pk"))))
        .annotate(entete=materialised.headline_subquery(territoire.pk if territoire else None))
        .order_by("-annee", "-semestre", "-pk")[:limit]
    )
    figures = {c.pk: json.loads(c.entete) for c in campagnes if c.entete is not None}
    if missing := [campagne for campagne in campagnes if campagne.pk not in figures]:
        figures |= aggregates.headline_by(snapshots.filter(campagne__in=missing), "campagne")
    return [
        {"campagne": campagne.libelle, **figures[campagne.pk]}
        for campagne in reversed(campagnes)
        if campagne.pk in figures
    ]


def structure_lines(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A group's drill-down (one line per structure) from the group's rows
    (``snapshot_rows``), which the page reads anyway: the means over one snapshot are its
    own figures, so ``drill_down`` would read them a second time."""
    return [
        {
            "id": row["structure_id"],
            "nom": row["structure_nom"],
            "niveau": "structure",
            "bilans": 1,
            **{rate: row[rate] for rate in aggregates.HEADLINE_RATES},
            **{
                f"part_{flag}": None if row[flag] is None else float(row[flag])
                for flag in aggregates.LEVEL_FLAGS
            },
        }
        for row in rows
    ]


def structure_benchmark(*, structure: Structure, campagne: Campagne) -> dict[str, Any] | None:
    """The structure's own figures next to the ANONYMISED medians of its territory and of
    the network (a median over fewer than 3 structures is suppressed: ``None``)."""
    rows = list(
        InstantaneBilan.objects.filter(campagne=campagne).values(
            "structure_id", "territoire_id", *aggregates.HEADLINE_RATES
        )
    )
    own = next((row for row in rows if row["structure_id"] == structure.pk), None)
    territory = [
        row
        for row in rows
        if structure.territoire_id and row["territoire_id"] == structure.territoire_id
    ]
    return {
        "campagne": campagne.libelle,
        "indicateurs": [
            {
                "code": key,
                "structure": own[key] if own else None,
                "mediane_territoire": indicators.anonymised_median(row[key] for row in territory),
                "mediane_reseau": indicators.anonymised_median(row[key] for row in rows),
            }
            for key in aggregates.HEADLINE_RATES
        ],
        "structures_territoire": len(territory) >= indicators.MEDIAN_MIN_STRUCTURES,
        "structures_reseau": len(rows) >= indicators.MEDIAN_MIN_STRUCTURES,
    }


def resolve_scope(
    user: Any,
    params: Any,
    *,
    campagnes: Sequence[Campagne] | None = None,
    territoires: Sequence[Territoire] | None = None,
) -> Scope:
    """The consolidation scope from query parameters, authorised (404 outside one's territories).

    A page that has already read the person's campaigns (``campagnes_visible_to``) and
    consolidated territories (``access.territoires_consolidated_for``, by name) for its
    selectors passes them: the scope is then taken from them, without reading them again.
    Every territory of a scope is one of the person's consolidated territories (the
    network, ``None``, is the federation admin's)."""
    wanted = _int(params.get("campagne"))
    if campagnes is None:
        campagne = get_object_or_404(campagnes_visible_to(user), pk=wanted)
    else:
        campagne = _one_of(campagnes, wanted)
    consolidated = access.territoires_consolidated_for(user).order_by("nom")
    territoire = groupe = None
    if params.get("groupe"):
        groupe = get_object_or_404(
            GroupeTravail.objects.select_related("territoire"), pk=_int(params["groupe"])
        )
    if params.get("territoire"):
        wanted = _int(params["territoire"])
        if territoires is None:
            territoire = get_object_or_404(consolidated, pk=wanted)
        else:
            territoire = _one_of(territoires, wanted)
    elif groupe is not None and not access.is_federation_admin(user):
        # A group may span territories: a pilot reads its figures for their own structures.
        territoire = consolidated.filter(Q(groupes=groupe) | Q(structures__groupes=groupe)).first()
        if territoire is None:
            raise Http404
    if groupe is not None and territoire is not None and not _groupe_in(groupe, territoire):
        raise Http404
    if territoire is None and not access.is_federation_admin(user):
        if territoires is None:
            territoire = consolidated.first()
        else:
            territoire = territoires[0] if territoires else None
        if territoire is None:
            raise Http404  # neither the network's figures nor a territory's
    if campagne.territoire_id not in (None, getattr(territoire, "pk", None)):
        raise Http404
    return Scope(campagne=campagne, territoire=territoire, groupe=groupe)


def _one_of(items: Sequence[Any], pk: int) -> Any:
    found = next((item for item in items if item.pk == pk), None)
    if found is None:
        raise Http404
    return found


def _groupe_in(groupe: GroupeTravail, territoire: Territoire) -> bool:
    """The group is the territory's own or gathers one of its structures."""
    return groupe.territoire_id == territoire.pk or (
        Structure.objects.filter(territoire=territoire, groupes=groupe).exists()
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
