"""Action plan reads: the plan page (filters, late actions, completion rate), the policy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accompagnement.plans import scoring
from accompagnement.plans.models import Action, ActionTransition, AxePolitique, PolitiqueQualite
from referentiels.models import Critere, ReferentielVersion
from tenants.models import Structure, User

Statut = Action.Statut
OPEN = (Statut.A_FAIRE, Statut.EN_COURS)


def late_q(today: datetime.date) -> Q:
    """An action is late when its deadline has passed and it is neither done nor abandoned."""
    return Q(echeance__lt=today, statut__in=OPEN)


def late_count(today: datetime.date | None = None) -> int:
    """How many of the structure's actions are late (the plan page's count, the to-dos')."""
    return Action.objects.filter(late_q(today or timezone.localdate())).count()


@dataclass
class PlanFilters:
    statut: str = ""
    dimension: str = ""
    theme: int | None = None
    responsable: int | None = None
    axe: int | None = None
    en_retard: bool = False

    @classmethod
    def from_params(cls, params: Any) -> PlanFilters:
        def as_int(name: str) -> int | None:
            value = params.get(name) or ""
            return int(value) if value.isdigit() else None

        return cls(
            statut=params.get("statut", "") if params.get("statut", "") in Statut.values else "",
            dimension=params.get("dimension", "")
            if params.get("dimension", "") in Action.Dimension.values
            else "",
            theme=as_int("theme"),
            responsable=as_int("responsable"),
            axe=as_int("axe"),
            en_retard=params.get("en_retard") in ("1", "true", "on"),
        )


def actions_filtered(
    filters: PlanFilters | None = None, *, today: datetime.date | None = None
) -> QuerySet[Action]:
    today = today or timezone.localdate()
    filters = filters or PlanFilters()
    qs = Action.objects.select_related("responsable", "axe", "theme").prefetch_related("criteres")
    if filters.statut:
        qs = qs.filter(statut=filters.statut)
    if filters.dimension:
        qs = qs.filter(dimension=filters.dimension)
    if filters.theme:
        qs = qs.filter(theme_id=filters.theme)
    if filters.responsable:
        qs = qs.filter(responsable_id=filters.responsable)
    if filters.axe:
        qs = qs.filter(axe_id=filters.axe)
    if filters.en_retard:
        qs = qs.filter(late_q(today))
    return qs.order_by("echeance", "pk")


def status_counts() -> dict[str, int]:
    return dict(
        Action.objects.values_list("statut").annotate(n=Count("pk")).values_list("statut", "n")
    )


def status_and_late_counts(today: datetime.date | None = None) -> tuple[dict[str, int], int]:
    """``({statut: n}, late actions)`` in one query (the structure's dashboard)."""
    rows = (
        Action.objects.values_list("statut")
        .annotate(n=Count("pk"), late=Count("pk", filter=late_q(today or timezone.localdate())))
        .values_list("statut", "n", "late")
    )
    counts: dict[str, int] = {}
    late = 0
    for statut, n, n_late in rows:
        counts[statut] = n
        late += n_late
    return counts, late


def completion_rate() -> float | None:
    """The structure's "taux de réalisation du plan d'actions" (see ``scoring``)."""
    return scoring.completion_rate_from_counts(status_counts())


@dataclass
class PlanPage:
    actions: list[Action]
    counts: dict[str, int]
    taux: float | None
    late_count: int
    politique: PolitiqueQualite | None
    axes: list[AxePolitique] = field(default_factory=list)


def plan_page(filters: PlanFilters, *, today: datetime.date | None = None) -> PlanPage:
    """Everything the plan page shows, in a fixed number of queries."""
    today = today or timezone.localdate()
    actions = list(actions_filtered(filters, today=today))
    for action in actions:
        action.en_retard = bool(  # type: ignore[attr-defined]
            action.echeance and action.echeance < today and action.statut in OPEN
        )
    counts = status_counts()
    politique = PolitiqueQualite.objects.prefetch_related(
        Prefetch(
            "axes",
            queryset=AxePolitique.objects.annotate(nb_actions=Count("actions")).order_by("numero"),
        )
    ).first()
    return PlanPage(
        actions=actions,
        counts=counts,
        taux=scoring.completion_rate_from_counts(counts),
        late_count=late_count(today),
        politique=politique,
        axes=list(politique.axes.all()) if politique else [],
    )


# --- One action's page ------------------------------------------------------------------------


def action_with_history(pk: int) -> tuple[Action, list[ActionTransition]]:
    """An action of the structure with its linked criteria and its log (who, when, from,
    to, comment), newest first (three queries). Raises ``Action.DoesNotExist``."""
    action = (
        Action.objects.select_related("responsable", "axe", "theme")
        .prefetch_related("criteres")
        .get(pk=pk)
    )
    history = list(action.transitions.select_related("user").order_by("-at", "-pk"))
    return action, history


def owner_choices(structure: Structure) -> QuerySet[User]:
    """The people an action may be given to: the structure's staff."""
    return User.objects.filter(memberships__structure=structure, is_active=True).order_by(
        "last_name", "first_name", "email"
    )


def criteria_choices() -> QuerySet[Critere]:
    """Criteria an action may be linked to: those of the published frame versions."""
    return (
        Critere.objects.filter(version__statut=ReferentielVersion.Statut.PUBLIE)
        .select_related("version__referentiel")
        .order_by("version__referentiel__titre", "ordre", "pk")
    )
