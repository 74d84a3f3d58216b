"""Shared fixtures.

Tenant tests are fast because the structures' schemas are provisioned once per test
database (kept with ``--reuse-db``) and every test runs in a transaction rolled back at
its end. Two structures exist: ``structure`` (ours) and ``other_structure`` (another
territory, another group) for isolation tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from tenants.models import GroupeTravail, Membership, Structure, Territoire, User
from tenants.validators import luhn_complete
from tests.factories import PASSWORD as PASSWORD  # the tests' password, imported from here
from tests.factories import (
    GroupeTravailFactory,
    StructureFactory,
    TerritoireFactory,
    UserFactory,
)

STRUCTURE_SLUG = "alpha"
OTHER_STRUCTURE_SLUG = "beta"


def _ensure_structure(slug: str, nom: str, finess: str) -> Structure:
    structure = Structure.objects.filter(slug=slug).first()
    if structure is None:
        structure = StructureFactory(nom=nom, slug=slug, finess=finess)
    return structure


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_keepdb, django_db_createdb
):
    """pytest-django's set-up, for the default database whatever tests were collected
    (browser tests use committed data and no ``db`` fixture), plus the two structures."""
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=0, interactive=False, aliases={"default"}, keepdb=keepdb)
        _ensure_structure(STRUCTURE_SLUG, "Structure Alpha", luhn_complete("59000001"))
        _ensure_structure(OTHER_STRUCTURE_SLUG, "Structure Beta", luhn_complete("29000001"))
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _temporary_media_root(tmp_path_factory):
    """Uploads (evidence, deliverables, attachments, exports) go to a temporary folder,
    never to var/media/. Set for the whole session, for this process (override_settings:
    the tenant-aware storage recomputes its root) and for subprocesses (environment)."""
    import os

    from django.test.utils import override_settings

    media_root = tmp_path_factory.mktemp("media")
    previous = os.environ.get("MEDIA_ROOT")
    os.environ["MEDIA_ROOT"] = str(media_root)
    with override_settings(MEDIA_ROOT=media_root, MULTITENANT_RELATIVE_MEDIA_ROOT="%s"):
        yield media_root
    if previous is None:
        os.environ.pop("MEDIA_ROOT", None)
    else:
        os.environ["MEDIA_ROOT"] = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~0.3 s a hash; the fixtures hash a dozen passwords per test. Tests that
    check the production hasher set PASSWORD_HASHERS themselves."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Login, reset and API throttle counters live in the cache: each test starts at 0."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _public_schema_after_test():
    yield
    connection.set_schema_to_public()


@dataclass
class Network:
    structure: Structure
    other_structure: Structure
    territoire: Territoire
    other_territoire: Territoire
    groupe: GroupeTravail
    other_groupe: GroupeTravail
    users: dict[str, User]

    def user(self, role: str) -> User:
        return self.users[role]


# Roles the isolation tests walk through; "directeur_autre" is staff of other_structure.
ROLES = [
    "federation",
    "pilote",
    "expert",
    "directeur",
    "referent",
    "contributeur",
    "lecteur",
    "directeur_autre",
    "expert_autre",
    "pilote_autre",
    "sans_role",
]


@pytest.fixture
def network(db) -> Network:
    structure = Structure.objects.get(slug=STRUCTURE_SLUG)
    other = Structure.objects.get(slug=OTHER_STRUCTURE_SLUG)
    territoire = TerritoireFactory(code="ut-test", nom="UT Test")
    other_territoire = TerritoireFactory(code="ut-autre", nom="UT Autre")
    groupe = GroupeTravailFactory(territoire=territoire, nom="Groupe Test")
    other_groupe = GroupeTravailFactory(territoire=other_territoire, nom="Groupe Autre")
    Structure.objects.filter(pk=structure.pk).update(territoire=territoire)
    Structure.objects.filter(pk=other.pk).update(territoire=other_territoire)
    structure.refresh_from_db()
    other.refresh_from_db()
    structure.groupes.set([groupe])
    other.groupes.set([other_groupe])

    users = {}
    for role in ROLES:
        users[role] = UserFactory(
            email=f"{role}@test.example",
            first_name=role.capitalize(),
            is_federation_admin=(role == "federation"),
        )
    territoire.pilotes.add(users["pilote"])
    other_territoire.pilotes.add(users["pilote_autre"])
    groupe.experts.add(users["expert"])
    other_groupe.experts.add(users["expert_autre"])
    for role in ("directeur", "referent", "contributeur", "lecteur"):
        Membership.objects.create(user=users[role], structure=structure, role=role)
    Membership.objects.create(user=users["directeur_autre"], structure=other, role="directeur")
    return Network(structure, other, territoire, other_territoire, groupe, other_groupe, users)


@pytest.fixture
def structure(network) -> Structure:
    return network.structure


@pytest.fixture
def in_structure(network):
    """Run the test body's ORM calls in ``network.structure``'s schema."""
    connection.set_tenant(network.structure)
    yield network.structure
    connection.set_schema_to_public()


@pytest.fixture
def client_for():
    """``client_for(user)``: a logged-in Django test client."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def api_client_for():
    """``api_client_for(user)``: a DRF client authenticated with an API token of the user."""
    from tenants import accounts

    keys: dict[int, str] = {}

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            if user.pk not in keys:
                keys[user.pk] = accounts.create_api_token(user=user, name="tests")[1]
            client.credentials(HTTP_AUTHORIZATION=f"Token {keys[user.pk]}")
        return client

    return make
