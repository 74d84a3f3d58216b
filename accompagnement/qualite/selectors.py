"""Reads of the quality-management pages and API (current structure's schema)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from accompagnement.qualite.models import (
    AuditDossier,
    CritereEvaluation,
    DecisionComite,
    DocumentQualite,
    EvaluationPratique,
    MembreComite,
    ResultatCritere,
    ReunionComite,
)

Reponse = ResultatCritere.Reponse


def committee_members() -> QuerySet[MembreComite]:
    return MembreComite.objects.select_related("user").order_by("pk")


def committee_meetings() -> QuerySet[ReunionComite]:
    return ReunionComite.objects.annotate(
        nb_decisions=Count("decisions", distinct=True),
        nb_presents=Count("presents", distinct=True),
    ).order_by("-date", "-pk")


def committee_meeting(pk: int) -> ReunionComite:
    return ReunionComite.objects.prefetch_related(
        Prefetch("presents", queryset=committee_members()),
        Prefetch("decisions", queryset=DecisionComite.objects.select_related("action")),
    ).get(pk=pk)


def documents(*, include_archived: bool = False) -> QuerySet[DocumentQualite]:
    queryset = DocumentQualite.objects.select_related("proprietaire")
    if not include_archived:
        queryset = queryset.filter(archive=False)
    return queryset.order_by("reference", "pk")


def document(pk: int) -> DocumentQualite:
    return (
        DocumentQualite.objects.select_related("proprietaire")
        .prefetch_related("versions")
        .get(pk=pk)
    )


def documents_due(*, today: datetime.date, within_days: int) -> QuerySet[DocumentQualite]:
    """Documents in force whose review date is past or within ``within_days`` days."""
    return documents().filter(date_revision__lte=today + datetime.timedelta(days=within_days))


def evaluations() -> QuerySet[EvaluationPratique]:
    return EvaluationPratique.objects.annotate(
        nb_audits=Count("audits", distinct=True),
        nb_criteres=Count("criteres", distinct=True),
    ).order_by("-debut", "-pk")


def evaluation(pk: int) -> EvaluationPratique:
    return EvaluationPratique.objects.prefetch_related(
        "criteres", Prefetch("audits", queryset=AuditDossier.objects.order_by("pk"))
    ).get(pk=pk)


def conformity_rate(conformes: int, non_conformes: int) -> float | None:
    """Conforming files over the files where the criterion applies; None when it applied
    to none (« non applicable » answers are left out)."""
    applicable = conformes + non_conformes
    return conformes / applicable if applicable else None


@dataclass(frozen=True)
class CriterionResult:
    critere: CritereEvaluation
    conformes: int
    non_conformes: int
    non_applicables: int

    @property
    def taux(self) -> float | None:
        return conformity_rate(self.conformes, self.non_conformes)


@dataclass(frozen=True)
class EvaluationResults:
    criteres: list[CriterionResult]
    audits: int

    @property
    def taux(self) -> float | None:
        """Over every (file, criterion) pair where the criterion applies."""
        return conformity_rate(
            sum(row.conformes for row in self.criteres),
            sum(row.non_conformes for row in self.criteres),
        )

    def below(self, seuil: Any) -> list[CriterionResult]:
        return [row for row in self.criteres if row.taux is not None and row.taux < float(seuil)]


def evaluation_results(evaluation: EvaluationPratique) -> EvaluationResults:
    """Counts per criterion in one query, and the number of audited files."""
    criteres = evaluation.criteres.annotate(
        oui=Count("resultats", filter=Q(resultats__reponse=Reponse.OUI)),
        non=Count("resultats", filter=Q(resultats__reponse=Reponse.NON)),
        na=Count("resultats", filter=Q(resultats__reponse=Reponse.NA)),
    ).order_by("ordre", "pk")
    return EvaluationResults(
        criteres=[CriterionResult(c, c.oui, c.non, c.na) for c in criteres],
        audits=evaluation.audits.count(),
    )


@dataclass(frozen=True)
class Overview:
    membres: int
    derniere_reunion: ReunionComite | None
    documents: int
    documents_a_reviser: int
    evaluations_en_cours: int


def overview(*, today: datetime.date, within_days: int) -> Overview:
    counts = DocumentQualite.objects.filter(archive=False).aggregate(
        total=Count("pk"),
        due=Count("pk", filter=Q(date_revision__lte=today + datetime.timedelta(days=within_days))),
    )
    return Overview(
        membres=MembreComite.objects.count(),
        derniere_reunion=ReunionComite.objects.order_by("-date").first(),
        documents=counts["total"],
        documents_a_reviser=counts["due"],
        evaluations_en_cours=EvaluationPratique.objects.filter(terminee_le__isnull=True).count(),
    )
