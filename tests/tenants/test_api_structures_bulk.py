"""Many structures in one request: validated all or nothing, each schema provisioned."""

from __future__ import annotations

from django.db import connection

from tenants.models import Structure
from tenants.validators import luhn_complete

URL = "/api/v1/structures/bulk/"


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def _item(network, n: int, **extra) -> dict:
    return {
        "nom": f"SAAD Lot {n}",
        "type": "SAAD",
        "finess": luhn_complete(f"5919{n:04d}"),
        "territoire": network.territoire.pk,
        "groupes": [network.groupe.pk],
        **extra,
    }


def test_federation_admin_creates_structures_and_their_schemas(network, api_client_for):
    response = api_client_for(network.user("federation")).post(
        URL, {"structures": [_item(network, 1), _item(network, 2)]}, format="json"
    )
    assert response.status_code == 201, response.json()
    slugs = [s["slug"] for s in response.json()["structures"]]
    assert slugs == ["saad-lot-1", "saad-lot-2"]
    for structure in Structure.objects.filter(slug__in=slugs):
        assert _schema_exists(structure.schema_name)
        assert list(structure.groupes.all()) == [network.groupe]


def test_one_bad_item_creates_nothing_and_every_refusal_is_listed(network, api_client_for):
    items = [
        _item(network, 1),
        _item(network, 2, finess="123"),
        _item(network, 3, nom="SAAD Lot 1"),  # same slug as the first
    ]
    response = api_client_for(network.user("federation")).post(
        URL, {"structures": items}, format="json"
    )
    assert response.status_code == 400
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["structures[1].finess", "structures[2].slug"]
    items[1] = _item(network, 2)
    response = api_client_for(network.user("federation")).post(
        URL, {"structures": items}, format="json"
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["structures[2].slug"]
    assert not Structure.objects.filter(nom__startswith="SAAD Lot").exists()


def test_pilot_creates_only_in_their_territory(network, api_client_for):
    client = api_client_for(network.user("pilote"))
    other = _item(network, 2, territoire=network.other_territoire.pk, groupes=[])
    response = client.post(URL, {"structures": [_item(network, 1), other]}, format="json")
    # Another territory answers like a territory that does not exist (no existence oracle).
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "structures[1].territoire"
    assert response.json()["errors"][0]["code"] == "does_not_exist"
    assert not Structure.objects.filter(nom__startswith="SAAD Lot").exists()
    assert client.post(URL, {"structures": [_item(network, 1)]}, format="json").status_code == 201


def test_staff_and_experts_cannot_create_structures(network, api_client_for):
    for role in ("directeur", "expert", "sans_role"):
        response = api_client_for(network.user(role)).post(
            URL, {"structures": [_item(network, 1, territoire=None, groupes=[])]}, format="json"
        )
        assert response.status_code == 403, role
    assert not Structure.objects.filter(nom__startswith="SAAD Lot").exists()
