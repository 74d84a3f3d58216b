"""Network API: territories, groups, structures, people, invitations, personal token."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.test import APIClient

from tenants.models import AuditLog, Invitation, Structure
from tenants.validators import luhn_complete


def _ids(response) -> set:
    data = response.json()
    return {row["id"] for row in data.get("results", data)}


@pytest.mark.parametrize(
    "role, sees_alpha, sees_beta",
    [
        ("federation", True, True),
        ("pilote", True, False),
        ("expert", True, False),
        ("directeur", True, False),
        ("lecteur", True, False),
        ("pilote_autre", False, True),
        ("sans_role", False, False),
    ],
)
def test_structures_list_is_scoped_by_role(
    network, api_client_for, role, sees_alpha, sees_beta, django_assert_max_num_queries
):
    client = api_client_for(network.user(role))
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/structures/")
    assert response.status_code == 200
    ids = _ids(response)
    assert (network.structure.pk in ids) is sees_alpha
    assert (network.other_structure.pk in ids) is sees_beta
    assert not Structure.objects.filter(
        pk__in=ids, schema_name__in=["public", "tenant_template"]
    ).exists()


def test_structure_detail_of_another_territory_is_404(network, api_client_for):
    client = api_client_for(network.user("pilote"))
    assert client.get(f"/api/v1/structures/{network.other_structure.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/structures/{network.other_structure.pk}/", {"ville": "X"}
        ).status_code
        == 404
    )


def test_federation_admin_creates_a_structure_and_its_schema(network, api_client_for):
    response = api_client_for(network.user("federation")).post(
        "/api/v1/structures/",
        {
            "nom": "SSIAD Créé par API",
            "type": "SSIAD",
            "finess": luhn_complete("59000401"),
            "territoire": network.territoire.pk,
            "groupes": [network.groupe.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    structure = Structure.objects.get(pk=response.json()["id"])
    assert (
        structure.slug == "ssiad-cree-par-api" and structure.schema_name == "s_ssiad_cree_par_api"
    )
    assert AuditLog.objects.filter(action="structure_created", structure=structure).exists()


def test_pilot_creates_structures_only_in_their_territory(network, api_client_for):
    client = api_client_for(network.user("pilote"))
    ours = client.post(
        "/api/v1/structures/",
        {"nom": "Chez nous", "type": "SAAD", "territoire": network.territoire.pk},
    )
    assert ours.status_code == 201
    theirs = client.post(
        "/api/v1/structures/",
        {"nom": "Chez eux", "type": "SAAD", "territoire": network.other_territoire.pk},
    )
    # Another territory answers like a territory that does not exist (no existence oracle).
    assert theirs.status_code == 400
    assert theirs.json()["errors"][0]["code"] == "does_not_exist"
    assert not Structure.objects.filter(slug="chez-eux").exists()


@pytest.mark.parametrize("role", ["expert", "directeur", "referent", "sans_role"])
def test_staff_and_experts_cannot_create_structures(network, api_client_for, role):
    response = api_client_for(network.user(role)).post(
        "/api/v1/structures/",
        {"nom": "Interdite", "type": "SAAD", "territoire": network.territoire.pk},
    )
    # Experts see the territory of their group (403); the others do not see it: 400, like
    # a territory that does not exist.
    assert response.status_code == (403 if role == "expert" else 400)


def test_bad_finess_is_a_structured_error_in_french(network, api_client_for):
    response = api_client_for(network.user("federation")).post(
        "/api/v1/structures/", {"nom": "Mauvaise", "type": "SAAD", "finess": "12"}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e["field"] == "finess" and "FINESS" in e["message"] for e in errors)


def test_pilot_edits_a_structure_of_their_territory_but_not_its_slug(network, api_client_for):
    client = api_client_for(network.user("pilote"))
    response = client.patch(
        f"/api/v1/structures/{network.structure.pk}/", {"ville": "Lille", "slug": "autre"}
    )
    assert response.status_code == 200
    network.structure.refresh_from_db()
    assert network.structure.ville == "Lille" and network.structure.slug == "alpha"
    moved = client.patch(
        f"/api/v1/structures/{network.structure.pk}/", {"territoire": network.other_territoire.pk}
    )
    assert moved.status_code == 400  # a territory the pilot does not see: "does not exist"


def test_director_cannot_edit_their_structure_profile(network, api_client_for):
    response = api_client_for(network.user("directeur")).patch(
        f"/api/v1/structures/{network.structure.pk}/", {"ville": "Ailleurs"}
    )
    assert response.status_code == 403


def test_territories_and_groups_are_scoped(network, api_client_for):
    pilote = api_client_for(network.user("pilote"))
    assert _ids(pilote.get("/api/v1/territoires/")) == {network.territoire.pk}
    assert _ids(pilote.get("/api/v1/groupes/")) == {network.groupe.pk}
    assert pilote.post("/api/v1/territoires/", {"code": "ut-x", "nom": "UT X"}).status_code == 403
    created = pilote.post(
        "/api/v1/groupes/", {"territoire": network.territoire.pk, "nom": "Nouveau"}
    )
    assert created.status_code == 201
    refused = pilote.post(
        "/api/v1/groupes/", {"territoire": network.other_territoire.pk, "nom": "Ailleurs"}
    )
    assert refused.status_code == 403
    federation = api_client_for(network.user("federation"))
    assert (
        federation.post("/api/v1/territoires/", {"code": "ut-x", "nom": "UT X"}).status_code == 201
    )


def test_users_list_is_scoped(network, api_client_for):
    pilote_ids = _ids(api_client_for(network.user("pilote")).get("/api/v1/users/"))
    assert network.user("directeur").pk in pilote_ids and network.user("expert").pk in pilote_ids
    assert network.user("directeur_autre").pk not in pilote_ids
    lecteur_ids = _ids(api_client_for(network.user("lecteur")).get("/api/v1/users/"))
    assert lecteur_ids == {network.user("lecteur").pk}
    directeur_ids = _ids(api_client_for(network.user("directeur")).get("/api/v1/users/"))
    assert network.user("contributeur").pk in directeur_ids
    assert network.user("directeur_autre").pk not in directeur_ids
    all_ids = _ids(api_client_for(network.user("federation")).get("/api/v1/users/?limit=500"))
    assert network.user("directeur_autre").pk in all_ids


def test_invitation_through_the_api_sends_an_email(
    network, api_client_for, django_capture_on_commit_callbacks
):
    client = api_client_for(network.user("directeur"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/invitations/",
            {
                "email": "Nouvelle@Example.test",
                "role": "contributeur",
                "structure": network.structure.pk,
            },
        )
    assert response.status_code == 201, response.json()
    assert Invitation.objects.get(pk=response.json()["id"]).email == "nouvelle@example.test"
    assert [m.to for m in mail.outbox] == [["nouvelle@example.test"]]
    beta = client.post(
        "/api/v1/invitations/",
        {
            "email": "x@example.test",
            "role": "contributeur",
            "structure": network.other_structure.pk,
        },
    )
    assert beta.status_code == 400  # a structure one does not see: "does not exist"
    assert beta.json()["errors"][0]["code"] == "does_not_exist"
    director = client.post(
        "/api/v1/invitations/",
        {"email": "y@example.test", "role": "directeur", "structure": network.structure.pk},
    )
    assert director.status_code == 403
    assert _ids(api_client_for(network.user("pilote")).get("/api/v1/invitations/")) == set()


def test_personal_tokens_create_list_and_revoke(
    network, client_for, api_client_for, django_capture_on_commit_callbacks
):
    from tenants.models import ApiToken

    referent = network.user("referent")
    client = client_for(referent)
    created = client.post("/api/v1/me/token/", {"name": "script", "expires_days": 30})
    assert created.status_code == 201
    body = created.json()
    key = body["key"]
    assert body["name"] == "script" and body["expiry"] is not None
    second = client.post("/api/v1/me/token/").json()
    assert second["key"] != key and second["expiry"] is not None  # default validity
    # Creating a token never revokes another one: both authenticate.
    for token in (key, second["key"]):
        with django_capture_on_commit_callbacks(execute=True):
            answer = APIClient().get("/api/v1/me/token/", HTTP_AUTHORIZATION=f"Token {token}")
        assert answer.status_code == 200
    listing = client.get("/api/v1/me/token/").json()
    assert {item["name"] for item in listing} == {"script", second["name"]}
    assert set(listing[0]) == {"id", "name", "created", "expiry", "last_used_at"}
    assert key not in str(listing) and second["key"] not in str(listing)
    assert any(item["last_used_at"] for item in listing)  # used just above
    # Another person cannot revoke (nor see) my token: same 404 as an unknown id.
    other = api_client_for(network.user("directeur"))
    assert other.delete(f"/api/v1/me/token/{body['id']}/").status_code == 404
    assert other.delete("/api/v1/me/token/0000000000000000/").status_code == 404
    assert body["id"] not in str(other.get("/api/v1/me/token/").json())
    assert client.delete(f"/api/v1/me/token/{body['id']}/").status_code == 204
    assert APIClient().get("/api/v1/me/token/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (
        401,
        403,
    )
    assert ApiToken.objects.filter(user=referent).count() == 1
    bad = client.post("/api/v1/me/token/", {"expires_days": -3})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "expires_days"
    actions = list(AuditLog.objects.filter(target_user=referent).values_list("action", flat=True))
    assert actions.count("token_created") == 2 and "token_revoked" in actions


def test_anonymous_gets_nothing(db, client):
    for path in ("/api/v1/structures/", "/api/v1/users/", "/api/v1/me/token/"):
        assert client.get(path).status_code in (401, 403)


def test_openapi_schema_lists_the_network_endpoints(db, client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in (
        "/api/v1/territoires/",
        "/api/v1/groupes/",
        "/api/v1/structures/",
        "/api/v1/users/",
        "/api/v1/invitations/",
        "/api/v1/me/token/",
    ):
        assert path in paths


def test_a_structure_may_join_a_group_of_another_territory(network, api_client_for):
    """Groups may span territories: no "must belong to the structure's territory" refusal;
    the pilot then sees that group (for their structure), not the other territory's
    structures."""
    pilote = api_client_for(network.user("pilote"))
    response = pilote.patch(
        f"/api/v1/structures/{network.structure.pk}/",
        {"groupes": [network.groupe.pk, network.other_groupe.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert set(network.structure.groupes.values_list("pk", flat=True)) == {
        network.groupe.pk,
        network.other_groupe.pk,
    }
    assert _ids(pilote.get("/api/v1/groupes/")) == {network.groupe.pk, network.other_groupe.pk}
    assert network.other_structure.pk not in _ids(pilote.get("/api/v1/structures/"))
