"""Reads behind the pilots' home-page to-dos: territorial reviews to write, reviews late.

Same notions as the dashboard (``selectors.Scope``, ``selectors.campagnes_visible_to``), in a
bounded number of queries: none for a person who pilots nothing, three for the territorial
reviews; two for the late reviews (the campaigns past their deadline, then one count per
campaign and scope, all in one query).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, Func, OuterRef, Q, Subquery
from django.utils import timezone

from accompagnement.reporting.models import BilanTerritoire, Campagne
from accompagnement.reporting.selectors import Scope, campagnes_visible_to
from tenants import access
from tenants.models import Territoire


@dataclass(frozen=True)
class BilanTerritoireDue:
    campagne: Campagne
    territoire: Territoire
    bilan: BilanTerritoire | None  # None: not opened yet


def bilans_territoire_due(user) -> list[BilanTerritoireDue]:
    """The territorial reviews a pilot has to write and submit: one per campaign concerning
    each territory they pilot, unless already submitted (three queries)."""
    if not access.is_pilote(user):
        return []  # read with the person's roles: no query
    territoires = list(access.territoires_piloted_by(user).order_by("nom"))
    if not territoires:
        return []
    campagnes = Campagne.objects.filter(
        Q(territoire__isnull=True) | Q(territoire__in=territoires)
    ).order_by("echeance", "pk")
    existing = {
        (b.campagne_id, b.territoire_id): b
        for b in BilanTerritoire.objects.filter(territoire__in=territoires)
    }
    due = []
    for campagne in campagnes:
        for territoire in territoires:
            if campagne.territoire_id not in (None, territoire.pk):
                continue
            bilan = existing.get((campagne.pk, territoire.pk))
            if bilan is None or bilan.statut != BilanTerritoire.Statut.SOUMIS:
                due.append(BilanTerritoireDue(campagne, territoire, bilan))
    return due


@dataclass(frozen=True)
class LateReviews:
    scope: Scope
    count: int


def late_reviews(user, *, today: datetime.date | None = None) -> list[LateReviews]:
    """Per campaign whose deadline has passed, how many expected structures have not
    submitted their review — over the network for the federation admin, per piloted
    territory for a pilot (the dashboard's ``Scope``; one query per campaign and scope)."""
    if not access.can_read_consolidation(user):
        return []
    today = today or timezone.localdate()
    campagnes = campagnes_visible_to(user).filter(echeance__lt=today).order_by("echeance", "pk")
    if access.is_federation_admin(user):
        scopes = [Scope(campagne=c) for c in campagnes]
    else:
        territoires = list(access.territoires_piloted_by(user).order_by("nom"))
        scopes = [
            Scope(campagne=c, territoire=t)
            for c in campagnes
            for t in territoires
            if c.territoire_id in (None, t.pk)
        ]
    if not scopes:
        return []
    # One query whatever the number of campaigns and territories: a count per scope, each
    # a scalar subquery of a single-row SELECT.
    counts = (
        Campagne.objects.filter(pk=scopes[0].campagne.pk)
        .annotate(
            **{
                f"scope_{index}": Subquery(
                    scope.structures()
                    .exclude(Exists(scope.snapshots().filter(structure=OuterRef("pk"))))
                    .order_by()
                    .annotate(n=Func(F("pk"), function="COUNT"))
                    .values("n")[:1]
                )
                for index, scope in enumerate(scopes)
            }
        )
        .values(*(f"scope_{index}" for index in range(len(scopes))))
        .get()
    )
    return [
        LateReviews(scope, counts[f"scope_{index}"])
        for index, scope in enumerate(scopes)
        if counts[f"scope_{index}"]
    ]
