"""Consolidation: reads ONLY the snapshot store (``InstantaneBilan``) and a few network
tables of the public schema — never the structures' schemas. A bounded number of
queries whatever the number of structures (see tests/bilans/test_consolidation.py).

Aggregates are computed by the pure functions of ``reporting.indicators``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, Func, IntegerField, JSONField, Q, QuerySet, Value
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accompagnement.reporting import indicators
from accompagnement.reporting.models import BilanTerritoire, Campagne, InstantaneBilan
from tenants import access
from tenants.models import GroupeTravail, Structure, Territoire

SNAPSHOT_COLUMNS = (
    "structure_id", "structure_nom", "territoire_id", "groupe_ids", "soumis_le", "en_retard",
    "taux_declare", "taux_confirme", "tous_niveau1", "tous_niveau2", "taux_plan_actions",
    "taux_participation", "taux_satisfaits", "reclamations", "taux_mecontents",
)


def _consolidation_detail():
    """Only the parts of the snapshot's detail that consolidation reads (themes and target
    criteria), built by PostgreSQL: titles and levels are not shipped for every row."""
    return Func(
        Value("themes"), KeyTransform("themes", "indicateurs"),
        Value("criteres_cibles"), KeyTransform("criteres_cibles", "indicateurs"),
        function="jsonb_build_object", output_field=JSONField(),
    )
HEADLINE = ("taux_declare", "taux_confirme", "taux_plan_actions", "taux_participation", "taux_satisfaits",
            "taux_mecontents")


@dataclass(frozen=True)
class Scope:
    campagne: Campagne
    territoire: Territoire | None = None
    groupe: GroupeTravail | None = None

    def snapshots(self) -> QuerySet[InstantaneBilan]:
        queryset = InstantaneBilan.objects.filter(campagne=self.campagne)
        if self.territoire is not None:
            queryset = queryset.filter(territoire=self.territoire)
        if self.groupe is not None:
            queryset = queryset.filter(groupe_ids__contains=[self.groupe.pk])
        return queryset

    def structures(self) -> QuerySet[Structure]:
        """The structures expected to submit: the campaign's scope narrowed to the view's."""
        queryset = Structure.objects.reelles()
        territoire_id = self.territoire.pk if self.territoire else self.campagne.territoire_id
        if territoire_id is not None:
            queryset = queryset.filter(territoire_id=territoire_id)
        if self.groupe is not None:
            queryset = queryset.filter(groupes=self.groupe)
        return queryset


def campagnes_visible_to(user) -> QuerySet[Campagne]:
    """Campaigns a person follows: all for the federation admin; a pilot's territories' and
    the network-wide ones for pilots and structure staff."""
    queryset = Campagne.objects.select_related("territoire")
    if access.is_federation_admin(user):
        return queryset
    territoire_ids = set(access.territoires_piloted_by(user).values_list("pk", flat=True))
    territoire_ids |= set(access.structures_visible_to(user).exclude(territoire=None).values_list("territoire_id", flat=True))
    return queryset.filter(Q(territoire__isnull=True) | Q(territoire_id__in=territoire_ids))


def bilans_territoire_visible_to(user) -> QuerySet[BilanTerritoire]:
    return BilanTerritoire.objects.select_related("campagne", "territoire").filter(
        territoire__in=access.territoires_consolidated_for(user)
    )


def _row(snapshot: dict) -> dict:
    detail = snapshot["detail"] or {}
    return {
        **{key: snapshot[key] for key in SNAPSHOT_COLUMNS},
        "ecart": indicators.gap(snapshot["taux_declare"], snapshot["taux_confirme"]),
        "themes": detail.get("themes", {}),
        "criteres_cibles": detail.get("criteres_cibles") or {},
    }


def snapshot_rows(scope: Scope) -> list[dict]:
    """The scope's snapshots, one dict per structure (one query)."""
    queryset = scope.snapshots().annotate(detail=_consolidation_detail()).order_by("structure_nom")
    return [_row(s) for s in queryset.values(*SNAPSHOT_COLUMNS, "detail")]


def consolidate(scope: Scope, rows: list[dict] | None = None) -> dict:
    """Rates by structure and theme, the three indicator families, reviews submitted/late."""
    rows = snapshot_rows(scope) if rows is None else rows
    expected = list(scope.structures().values("pk", "nom", "phase").order_by("nom"))
    submitted_ids = {row["structure_id"] for row in rows}
    overdue = timezone.localdate() > scope.campagne.echeance
    theme_codes = sorted({code for row in rows for code in row["themes"]})
    titles = (
        scope.snapshots().exclude(indicateurs__themes_titres={})
        .values_list("indicateurs__themes_titres", flat=True).first()
    ) or {}
    themes = []
    for code in theme_codes:
        declared = indicators.mean(row["themes"].get(code, {}).get("declare") for row in rows)
        confirmed = indicators.mean(row["themes"].get(code, {}).get("confirme") for row in rows)
        themes.append({"code": code, "titre": titles.get(code, code), "declare": declared, "confirme": confirmed,
                       "ecart": indicators.gap(declared, confirmed)})
    module_declared = indicators.mean(row["taux_declare"] for row in rows)
    module_confirmed = indicators.mean(row["taux_confirme"] for row in rows)
    share_n1 = indicators.share_true(row["tous_niveau1"] for row in rows)
    share_n2 = indicators.share_true(row["tous_niveau2"] for row in rows)
    criteria = {
        code: indicators.share_true(row["criteres_cibles"].get(code) for row in rows)
        for code in indicators.CRITERES_EFFECTIVITE
    }
    all_eight = indicators.share_true(
        (all(row["criteres_cibles"].get(code) for code in indicators.CRITERES_EFFECTIVITE)
         if any(row["criteres_cibles"].get(code) is not None for code in indicators.CRITERES_EFFECTIVITE) else None)
        for row in rows
    )
    network = _network_counts(scope)
    return {
        "campagne": {"id": scope.campagne.pk, "libelle": scope.campagne.libelle,
                     "echeance": scope.campagne.echeance.isoformat()},
        "perimetre": {"territoire": scope.territoire.pk if scope.territoire else None,
                      "groupe": scope.groupe.pk if scope.groupe else None},
        "structures": rows,
        "themes": themes,
        "module": {"declare": module_declared, "confirme": module_confirmed,
                   "ecart": indicators.gap(module_declared, module_confirmed)},
        "part_tous_niveau1": share_n1,
        "part_tous_niveau2": share_n2,
        "bilans": {
            "attendus": len(expected),
            "soumis": len(rows),
            "soumis_en_retard": sum(1 for row in rows if row["en_retard"]),
            "manquants": [s["nom"] for s in expected if s["pk"] not in submitted_ids],
            "echeance_depassee": overdue,
        },
        "familles": {
            "realisation": {
                "structures_engagees": len(expected),
                "structures_deploiement": sum(1 for s in expected if s["phase"] == Structure.Phase.DEPLOIEMENT),
                "pilotes": network["pilotes"],
                "experts": network["experts"],
                "part_diagnostic_realise": (
                    sum(1 for row in rows if row["taux_declare"] is not None) / len(expected) if expected else None
                ),
                "taux_conformite_declare": module_declared,
                "taux_conformite_confirme": module_confirmed,
                "reunions_collectives": network["reunions"],
                "part_tous_niveau1": share_n1,
                "part_tous_niveau2": share_n2,
            },
            "effectivite": {
                "taux_participation": indicators.mean(row["taux_participation"] for row in rows),
                "taux_plan_actions": indicators.mean(row["taux_plan_actions"] for row in rows),
                "criteres": criteria,
                "part_conformes_8_criteres": all_eight,
            },
            "impact": {
                "taux_satisfaits": indicators.mean(row["taux_satisfaits"] for row in rows),
                "reclamations": sum(row["reclamations"] or 0 for row in rows),
                "taux_mecontents": indicators.mean(row["taux_mecontents"] for row in rows),
            },
        },
    }


def semester_window(campagne: Campagne) -> tuple[datetime.date, datetime.date]:
    if campagne.semestre == 1:
        return datetime.date(campagne.annee, 1, 1), datetime.date(campagne.annee, 6, 30)
    return datetime.date(campagne.annee, 7, 1), datetime.date(campagne.annee, 12, 31)


def _network_counts(scope: Scope) -> dict:
    """Pilots, experts and collective meetings held in the scope during the semester."""
    from accompagnement.groupes.models import ReunionCollective

    territoire_id = scope.territoire.pk if scope.territoire else scope.campagne.territoire_id
    territoires = Territoire.objects.all() if territoire_id is None else Territoire.objects.filter(pk=territoire_id)
    groupes = GroupeTravail.objects.filter(territoire__in=territoires)
    if scope.groupe is not None:
        groupes = groupes.filter(pk=scope.groupe.pk)
    start, end = semester_window(scope.campagne)
    return {
        "pilotes": territoires.filter(pilotes__isnull=False).values("pilotes").distinct().count(),
        "experts": groupes.filter(experts__isnull=False).values("experts").distinct().count(),
        "reunions": ReunionCollective.objects.filter(
            groupe__in=groupes, annulee=False, date__date__gte=start, date__date__lte=end
        ).count(),
    }


def drill_down(scope: Scope, rows: list[dict] | None = None) -> list[dict]:
    """One line per child of the scope (territories of the network, groups of a territory,
    structures of a group) with its headline means — from the snapshot store only."""
    rows = snapshot_rows(scope) if rows is None else rows
    if scope.territoire is None:
        children = [(t.pk, t.nom, "territoire") for t in Territoire.objects.order_by("nom")]
        members = defaultdict(list)
        for row in rows:
            members[row["territoire_id"]].append(row)
    elif scope.groupe is None:
        children = [(g.pk, g.nom, "groupe") for g in scope.territoire.groupes.order_by("nom")]
        members = defaultdict(list)
        for row in rows:
            for groupe_id in row["groupe_ids"]:
                members[groupe_id].append(row)
    else:
        children = [(row["structure_id"], row["structure_nom"], "structure") for row in rows]
        members = {row["structure_id"]: [row] for row in rows}
    return [
        {"id": pk, "nom": nom, "niveau": kind, "bilans": len(members.get(pk, [])),
         **{key: indicators.mean(row[key] for row in members.get(pk, [])) for key in HEADLINE},
         "part_tous_niveau1": indicators.share_true(row["tous_niveau1"] for row in members.get(pk, [])),
         "part_tous_niveau2": indicators.share_true(row["tous_niveau2"] for row in members.get(pk, []))}
        for pk, nom, kind in children
    ]


def evolution(*, territoire: Territoire | None = None, limit: int = 8) -> list[dict]:
    """Headline means per campaign (oldest first): one aggregate query on the store."""
    queryset = InstantaneBilan.objects.all()
    if territoire is not None:
        queryset = queryset.filter(territoire=territoire)
    rows = (
        queryset.values("campagne_id", "campagne__libelle", "campagne__annee", "campagne__semestre")
        .annotate(
            bilans=Count("pk"),
            **{name: Avg(name) for name in HEADLINE},
            part_tous_niveau1=Avg(Cast("tous_niveau1", IntegerField())),
            part_tous_niveau2=Avg(Cast("tous_niveau2", IntegerField())),
        )
        .order_by("-campagne__annee", "-campagne__semestre", "-campagne_id")[:limit]
    )
    return [
        {"campagne": row["campagne__libelle"], "bilans": row["bilans"],
         **{name: row[name] for name in (*HEADLINE, "part_tous_niveau1", "part_tous_niveau2")}}
        for row in reversed(list(rows))
    ]


def structure_benchmark(*, structure: Structure, campagne: Campagne) -> dict | None:
    """The structure's own figures next to the ANONYMISED medians of its territory and of
    the network (a median over fewer than 3 structures is suppressed: ``None``)."""
    rows = list(InstantaneBilan.objects.filter(campagne=campagne).values("structure_id", "territoire_id", *HEADLINE))
    own = next((row for row in rows if row["structure_id"] == structure.pk), None)
    territory = [row for row in rows if structure.territoire_id and row["territoire_id"] == structure.territoire_id]
    return {
        "campagne": campagne.libelle,
        "indicateurs": [
            {
                "code": key,
                "structure": own[key] if own else None,
                "mediane_territoire": indicators.anonymised_median(row[key] for row in territory),
                "mediane_reseau": indicators.anonymised_median(row[key] for row in rows),
            }
            for key in HEADLINE
        ],
        "structures_territoire": len(territory) >= indicators.MEDIAN_MIN_STRUCTURES,
        "structures_reseau": len(rows) >= indicators.MEDIAN_MIN_STRUCTURES,
    }


def resolve_scope(user, params) -> Scope:
    """The consolidation scope from query parameters, authorised (404 outside one's territories)."""
    campagne = get_object_or_404(campagnes_visible_to(user), pk=_int(params.get("campagne")))
    territoire = groupe = None
    if params.get("groupe"):
        groupe = get_object_or_404(GroupeTravail.objects.select_related("territoire"), pk=_int(params["groupe"]))
        territoire = groupe.territoire
    if params.get("territoire"):
        territoire = get_object_or_404(Territoire, pk=_int(params["territoire"]))
        if groupe is not None and groupe.territoire_id != territoire.pk:
            raise Http404
    if territoire is None and not access.is_federation_admin(user):
        territoire = access.territoires_consolidated_for(user).order_by("nom").first()
    if not access.can_view_consolidation(user, territoire):
        raise Http404
    if campagne.territoire_id not in (None, getattr(territoire, "pk", None)):
        raise Http404
    return Scope(campagne=campagne, territoire=territoire, groupe=groupe)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
