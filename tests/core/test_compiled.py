"""core.compiled.first_row: SQL built once per shape, the rows read every time."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import compiled
from tenants.models import Membership, Structure, Territoire


def _roles(user_id: int, structure_id: int):
    return (
        Structure.objects.filter(pk=structure_id)
        .annotate(
            member_role=Subquery(
                Membership.objects.filter(structure_id=OuterRef("pk"), user_id=user_id).values(
                    "role"
                )[:1]
            ),
            pilots=Exists(
                Territoire.pilotes.through.objects.filter(
                    territoire_id=OuterRef("territoire_id"), user_id=user_id
                )
            ),
        )
        .values("member_role", "pilots")
    )


def test_same_rows_as_the_orm_for_every_person_and_structure(network):
    key = ("test", "roles")
    for user in network.users.values():
        for structure in (network.structure, network.other_structure):
            expected = _roles(user.pk, structure.pk).first()
            row = compiled.first_row(key, _roles, user_id=user.pk, structure_id=structure.pk)
            assert row == expected, (user.email, structure.slug)
    assert (
        compiled.first_row(key, _roles, user_id=network.user("pilote").pk, structure_id=0) is None
    )
    # Somebody's role changes: the next call reads it (only the SQL text is kept).
    Membership.objects.filter(user=network.user("lecteur")).update(role="contributeur")
    row = compiled.first_row(
        key, _roles, user_id=network.user("lecteur").pk, structure_id=network.structure.pk
    )
    assert row == {"member_role": "contributeur", "pilots": False}


def test_the_sql_is_built_once_then_one_query_per_call(network):
    key = ("test", "once")
    user = network.user("pilote")
    compiled.first_row(key, _roles, user_id=user.pk, structure_id=network.structure.pk)
    first = compiled._compiled[key]
    with CaptureQueriesContext(connection) as queries:
        row = compiled.first_row(key, _roles, user_id=user.pk, structure_id=network.structure.pk)
    assert compiled._compiled[key] is first
    assert len([q for q in queries.captured_queries if not q["sql"].startswith("SET")]) == 1
    assert row == {"member_role": None, "pilots": True}


def test_a_value_the_query_does_not_use_as_a_parameter_is_refused(db):
    def build(user_id: int):
        return Structure.objects.filter(pk=1).values("pk")

    with pytest.raises(ValueError, match="user_id"):
        compiled.first_row(("test", "unused"), build, user_id=7)


def test_a_query_on_the_current_time_is_refused(db):
    def build(structure_id: int):
        return Structure.objects.filter(pk=structure_id, created_at__lte=timezone.now()).values(
            "pk"
        )

    with pytest.raises(ValueError, match="date or time"):
        compiled.first_row(("test", "now"), build, structure_id=1)
