"""Roles through the API without invitation e-mails: grant one, many (all or nothing),
withdraw; who may do it (federation, pilots in their territory, directors in their
structure) and the audit log."""

from __future__ import annotations

import pytest
from django.core import mail

from tenants import access
from tenants.models import AuditLog, ExpertAffectation, Membership, User


def _grant(client, **payload):
    return client.post("/api/v1/roles/", payload, format="json")


def test_federation_admin_grants_a_referent_role_to_a_new_person_without_email(
    network, api_client_for
):
    response = _grant(
        api_client_for(network.user("federation")),
        email="Nouvelle.Referente@test.example",
        role="referent",
        structure=network.structure.pk,
        first_name="Nina",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    user = User.objects.get(email="nouvelle.referente@test.example")
    assert body == {
        "email": user.email,
        "role": "referent",
        "structure": network.structure.pk,
        "territoire": None,
        "groupe": None,
        "user": user.pk,
    }
    assert user.first_name == "Nina" and not user.has_usable_password()
    assert access.roles_in_structure(user, network.structure).staff_role == "referent"
    assert mail.outbox == []
    log = AuditLog.objects.get(action=AuditLog.Action.ROLE_GRANTED, target_user=user)
    assert log.actor == network.user("federation") and log.structure == network.structure


@pytest.mark.parametrize(
    "role,payload_role,status",
    [
        ("directeur", "contributeur", 201),
        ("referent", "lecteur", 201),
        ("directeur", "directeur", 403),  # a director does not appoint directors
        ("pilote", "directeur", 201),
        ("contributeur", "lecteur", 403),
        ("expert", "lecteur", 403),
        ("pilote_autre", "lecteur", 400),  # the structure is not theirs to see
        ("directeur_autre", "lecteur", 400),
    ],
)
def test_who_grants_staff_roles_in_a_structure(network, api_client_for, role, payload_role, status):
    response = _grant(
        api_client_for(network.user(role)),
        email="x@test.example",
        role=payload_role,
        structure=network.structure.pk,
    )
    assert response.status_code == status, response.json()
    assert Membership.objects.filter(user__email="x@test.example").exists() is (status == 201)


def test_pilot_assigns_experts_and_co_pilots_in_their_territory_only(network, api_client_for):
    client = api_client_for(network.user("pilote"))
    assert (
        _grant(client, email="e@test.example", role="expert", groupe=network.groupe.pk).status_code
        == 201
    )
    assert (
        _grant(
            client, email="e@test.example", role="expert", structure=network.structure.pk
        ).status_code
        == 201
    )
    assert (
        _grant(
            client, email="p@test.example", role="pilote", territoire=network.territoire.pk
        ).status_code
        == 201
    )
    expert = User.objects.get(email="e@test.example")
    assert network.groupe.experts.filter(pk=expert.pk).exists()
    assert ExpertAffectation.objects.filter(expert=expert, structure=network.structure).exists()
    assert access.can_confirm_autodiagnostic(expert, network.structure)
    refused = _grant(client, email="f@test.example", role="federation")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "forbidden"


def test_a_role_without_its_scope_is_refused(network, api_client_for):
    response = _grant(
        api_client_for(network.user("federation")), email="x@test.example", role="referent"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "structure"
    assert not User.objects.filter(email="x@test.example").exists()


def test_unauthenticated_gets_401(network, api_client_for):
    assert api_client_for(None).post("/api/v1/roles/", {}, format="json").status_code in (401, 403)


def test_bulk_grant_is_all_or_nothing(network, api_client_for):
    client = api_client_for(network.user("directeur"))
    response = client.post(
        "/api/v1/roles/bulk/",
        {
            "roles": [
                {
                    "email": "a@test.example",
                    "role": "contributeur",
                    "structure": network.structure.pk,
                },
                {"email": "b@test.example", "role": "directeur", "structure": network.structure.pk},
                {"email": "c@test.example", "role": "lecteur"},
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("forbidden", "roles[1].non_field_errors"),
        ("invitation_scope", "roles[2].structure"),
    ]
    assert not User.objects.filter(email__in=["a@test.example", "b@test.example"]).exists()


def test_bulk_grant_of_a_network(network, api_client_for, django_assert_max_num_queries):
    roles = [
        {"email": f"ref{i}@test.example", "role": "referent", "structure": network.structure.pk}
        for i in range(5)
    ] + [{"email": "exp@test.example", "role": "expert", "groupe": network.groupe.pk}]
    client = api_client_for(network.user("federation"))
    with django_assert_max_num_queries(25 * len(roles)):
        response = client.post("/api/v1/roles/bulk/", {"roles": roles}, format="json")
    assert response.status_code == 201, response.json()
    assert [r["email"] for r in response.json()["roles"]] == [r["email"] for r in roles]
    assert Membership.objects.filter(structure=network.structure, role="referent").count() == 6


def test_withdraw_a_role(network, api_client_for):
    client = api_client_for(network.user("directeur"))
    payload = {
        "email": "lecteur@test.example",
        "role": "lecteur",
        "structure": network.structure.pk,
    }
    assert client.post("/api/v1/roles/withdraw/", payload, format="json").status_code == 204
    lecteur = network.user("lecteur")
    assert not access.can_view_structure(lecteur, network.structure)
    assert AuditLog.objects.filter(
        action=AuditLog.Action.ROLE_REVOKED, target_user=lecteur
    ).exists()
    assert client.post("/api/v1/roles/withdraw/", payload, format="json").status_code == 404
    again = api_client_for(network.user("federation")).post(
        "/api/v1/roles/withdraw/", payload, format="json"
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "role_not_held"


def test_nobody_withdraws_their_own_role_or_others_outside_their_scope(network, api_client_for):
    own = {
        "email": "directeur@test.example",
        "role": "directeur",
        "structure": network.structure.pk,
    }
    assert (
        api_client_for(network.user("directeur"))
        .post("/api/v1/roles/withdraw/", own, format="json")
        .status_code
        == 403
    )
    assert (
        api_client_for(network.user("referent"))
        .post("/api/v1/roles/withdraw/", own, format="json")
        .status_code
        == 403
    )
    assert (
        api_client_for(network.user("directeur_autre"))
        .post("/api/v1/roles/withdraw/", own, format="json")
        .status_code
        == 400  # our structure does not exist for them
    )
    assert access.roles_in_structure(network.user("directeur"), network.structure)


def test_federation_withdraws_pilot_and_expert_roles(network, api_client_for):
    client = api_client_for(network.user("federation"))
    pilot = {"email": "pilote@test.example", "role": "pilote", "territoire": network.territoire.pk}
    expert = {"email": "expert@test.example", "role": "expert", "groupe": network.groupe.pk}
    assert client.post("/api/v1/roles/withdraw/", pilot, format="json").status_code == 204
    assert client.post("/api/v1/roles/withdraw/", expert, format="json").status_code == 204
    assert not access.can_view_structure(network.user("pilote"), network.structure)
    assert not access.can_view_structure(network.user("expert"), network.structure)
