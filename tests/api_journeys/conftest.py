"""Journeys through the API with committed data.

A network of fifty structures provisions fifty schemas: inside one rolled-back test
transaction that would hold a lock per created table until the end (beyond PostgreSQL's
lock table), and the generated client talks to a live server thread with its own
connection. So these tests commit, like the browser tests, and ``CommittedWorld`` removes
at the end everything they created (structures with their schemas, people, territories,
groups, campaigns, frames). pytest-django's ``live_server`` fixture is not used: it
flushes every table afterwards, which would remove the two structures the other tests
share (``tests/conftest.py``); the browser tests' live server thread is used instead.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accompagnement.reporting.models import BilanTerritoire, Campagne, InstantaneBilan
from referentiels import purge
from referentiels.models import Referentiel
from tenants import accounts
from tenants.models import GroupeTravail, Structure, Territoire, User
from tests.browser.conftest import live_url  # noqa: F401  (the shared live server)


class CountingClient(APIClient):
    """A DRF client whose requests are counted (``calls``) for the journey's budget."""

    calls = 0

    def generic(self, *args, **kwargs):
        CountingClient.calls += 1
        return super().generic(*args, **kwargs)


class CommittedWorld:
    def __init__(self):
        self.suffix = uuid.uuid4().hex[:8]
        self.users: list[User] = []
        self.keys: dict[int, str] = {}
        self.referentiels: list[Referentiel] = []

    def person(self, label: str, **fields) -> User:
        """A person with an API token (accounts exist before the network is loaded)."""
        user = User.objects.create_user(
            email=f"{label}-{self.suffix}@journey.test", password=None, **fields
        )
        self.users.append(user)
        self.keys[user.pk] = accounts.create_api_token(user=user, name="journey")[1]
        return user

    def client(self, user: User) -> CountingClient:
        client = CountingClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {self.keys[user.pk]}")
        return client

    def cleanup(self) -> None:
        remove_committed_world(self.suffix)
        for referentiel in self.referentiels:
            remove_frame(referentiel)


def remove_frame(referentiel: Referentiel) -> None:
    """A frame answered once can never be deleted by the application; its structures'
    schemas are gone, so the test removes it row by row (``referentiels.purge``)."""
    for version_id in referentiel.versions.values_list("pk", flat=True):
        purge.version(version_id)
    Referentiel.objects.filter(pk=referentiel.pk)._raw_delete("default")


def remove_committed_world(suffix: str) -> None:
    """Remove what a journey named with ``suffix`` created. Submitted reviews are immutable
    for the application; the test removes their snapshots with SQL. Campaigns and people
    are referenced from tenant tables: they are deleted with a structure's search_path so
    Django's collector finds those tables (empty of them); structures from public."""
    alpha = Structure.objects.get(slug="alpha")
    connection.set_tenant(alpha)
    try:
        campagnes = list(
            Campagne.objects.filter(libelle__contains=suffix).values_list("pk", flat=True)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM public.{InstantaneBilan._meta.db_table} WHERE campagne_id = ANY(%s)",
                [campagnes],
            )
        BilanTerritoire.objects.filter(campagne_id__in=campagnes).delete()
        Campagne.objects.filter(pk__in=campagnes).delete()
    finally:
        connection.set_schema_to_public()
    for structure in Structure.objects.filter(nom__contains=suffix):
        structure.groupes.clear()
        structure.delete(force_drop=True)
    GroupeTravail.objects.filter(nom__contains=suffix).delete()
    Territoire.objects.filter(code__contains=suffix).delete()
    connection.set_tenant(alpha)
    try:
        User.objects.filter(email__endswith=f"-{suffix}@journey.test").delete()
    finally:
        connection.set_schema_to_public()


@pytest.fixture
def committed_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        world = CommittedWorld()
        CountingClient.calls = 0
        try:
            yield world
        finally:
            world.cleanup()
