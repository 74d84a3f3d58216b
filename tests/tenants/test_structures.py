"""Provisioning, routing between structures and isolation of structure pages."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tenants import access, services
from tenants.models import Structure
from tenants.validators import luhn_complete, validate_finess, validate_siret


def _tables_of(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        return {row[0] for row in cursor.fetchall()}


def test_creating_a_structure_provisions_its_schema(db):
    structure = services.create_structure(
        nom="SSIAD Provision",
        slug="ssiad-provision",
        type="SSIAD",
        finess=luhn_complete("75000099"),
    )
    assert structure.schema_name == "s_ssiad_provision"
    tables = _tables_of("s_ssiad_provision")
    assert {"diagnostics_autodiagnostic", "plans_action", "livrables_livrableversion"} <= tables
    assert "tenants_user" not in tables  # people stay in the public schema


def test_invalid_finess_creates_nothing(db):
    with pytest.raises(ValidationError):
        services.create_structure(nom="Mauvais FINESS", slug="mauvais", finess="123")
    assert not Structure.objects.filter(slug="mauvais").exists()
    assert _tables_of("s_mauvais") == set()


def test_finess_and_siret_validation():
    valid = luhn_complete("59000001")
    validate_finess(valid)
    wrong_key = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    for bad in ("59000001X", "1234", wrong_key):
        with pytest.raises(ValidationError):
            validate_finess(bad)
    validate_siret(luhn_complete("7322991480001"))
    with pytest.raises(ValidationError):
        validate_siret("1234")


def test_staff_sees_own_structure_and_gets_404_elsewhere(network, client_for):
    client = client_for(network.user("directeur"))
    assert client.get("/s/alpha/").status_code == 200
    assert client.get("/s/beta/").status_code == 404


@pytest.mark.parametrize(
    "role, alpha, beta",
    [
        ("federation", 200, 200),
        ("pilote", 200, 404),
        ("expert", 200, 404),
        ("directeur", 200, 404),
        ("referent", 200, 404),
        ("contributeur", 200, 404),
        ("lecteur", 200, 404),
        ("directeur_autre", 404, 200),
        ("expert_autre", 404, 200),
        ("pilote_autre", 404, 200),
        ("sans_role", 404, 404),
    ],
)
def test_structure_home_by_role(network, client_for, role, alpha, beta):
    client = client_for(network.user(role))
    assert client.get("/s/alpha/").status_code == alpha
    assert client.get("/s/beta/").status_code == beta


def test_anonymous_is_sent_to_login(network, client):
    response = client.get("/s/alpha/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=/s/alpha/")


def test_expert_moves_between_structures_without_logging_in_again(network, client_for):
    network.other_groupe.experts.add(network.user("expert"))
    client = client_for(network.user("expert"))
    assert client.get("/s/alpha/").status_code == 200
    assert client.get("/s/beta/").status_code == 200
    page = client.get("/mes-structures/").content.decode()
    assert "Structure Alpha" in page and "Structure Beta" in page


def test_mes_structures_lists_only_visible_structures(network, client_for):
    page = client_for(network.user("directeur")).get("/mes-structures/").content.decode()
    assert "Structure Alpha" in page
    assert "Structure Beta" not in page


def test_unknown_structure_is_404(network, client_for):
    assert client_for(network.user("federation")).get("/s/nexiste-pas/").status_code == 404


def test_roles_in_structure_single_query(network, django_assert_max_num_queries):
    user = network.user("expert")
    # One SELECT (plus django-tenants' "SET search_path" on the first query of the test).
    with django_assert_max_num_queries(2):
        roles = access.roles_in_structure(user, network.structure)
    assert access.EXPERT in roles
    with django_assert_max_num_queries(0):
        access.roles_in_structure(user, network.structure)
