"""A campaign's reminders through the API: who is awaited, "relancer" (once a day per
structure), the history; the pilot's territory only."""

from __future__ import annotations

import pytest


def test_pilot_sees_who_is_awaited_and_reminds_once_a_day(network, api_client_for, campagne):
    pilote = api_client_for(network.user("pilote"))
    url = f"/api/v1/campagnes/{campagne.pk}/"
    situation = pilote.get(f"{url}relances/")
    assert situation.status_code == 200, situation.json()
    assert situation.json()["structures"] == [
        {
            "structure": network.structure.pk,
            "nom": network.structure.nom,
            "submitted_at": None,
            "en_retard": True,
        }
    ]
    assert situation.json()["historique"] == []
    sent = pilote.post(f"{url}remind/", {}, format="json")
    assert sent.status_code == 200, sent.json()
    assert sent.json() == {"relances": 1}
    assert pilote.post(f"{url}remind/", {}, format="json").json() == {"relances": 0}
    (entry,) = pilote.get(f"{url}relances/").json()["historique"]
    assert entry["structure"] == network.structure.nom and entry["destinataires"] == 2


def test_federation_chooses_the_territory(network, api_client_for, campagne):
    federation = api_client_for(network.user("federation"))
    response = federation.get(
        f"/api/v1/campagnes/{campagne.pk}/relances/", {"territoire": network.other_territoire.pk}
    )
    assert [line["nom"] for line in response.json()["structures"]] == [network.other_structure.nom]


@pytest.mark.parametrize("role", ["directeur", "expert", "sans_role"])
def test_staff_and_experts_cannot_remind(network, api_client_for, campagne, role):
    client = api_client_for(network.user(role))
    assert (
        client.post(f"/api/v1/campagnes/{campagne.pk}/remind/", {}, format="json").status_code
        == 404
    )


def test_a_pilot_cannot_remind_another_territory(network, api_client_for, campagne):
    response = api_client_for(network.user("pilote")).post(
        f"/api/v1/campagnes/{campagne.pk}/remind/",
        {"territoire": network.other_territoire.pk},
        format="json",
    )
    assert response.status_code == 404
