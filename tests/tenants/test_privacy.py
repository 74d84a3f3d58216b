"""Personal-data duties in the product: the privacy notice (anyone) and the processing
register (federation admin and directors), with retention periods from the setting the
retention task applies."""

from __future__ import annotations

import pytest

NOTICE = "/confidentialite/"
REGISTER = "/rgpd/traitements/"


def test_privacy_notice_is_public_and_states_the_retention_periods(client, settings, db):
    settings.REGISTRES_RETENTION_ANS = {"reclamations": 4, "evenements": 12}
    response = client.get(NOTICE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "4 ans à compter de la date de l&#x27;entrée" in body
    assert "12 ans à compter de la date de l&#x27;entrée" in body
    assert settings.DPO_EMAIL in body
    assert "jamais sous leur nom" in body


def test_every_page_links_to_the_privacy_notice(network, client_for):
    body = client_for(network.user("referent")).get("/").content.decode()
    assert f'href="{NOTICE}"' in body


@pytest.mark.parametrize("role", ["federation", "directeur", "directeur_autre"])
def test_federation_admin_and_directors_read_the_processing_register(
    network, client_for, settings, role
):
    settings.REGISTRES_RETENTION_ANS = {"reclamations": 5, "evenements": 10}
    response = client_for(network.user(role)).get(REGISTER)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Registre des réclamations et plaintes" in body
    assert "5 ans à compter de la date" in body and "10 ans à compter de la date" in body
    assert "Registre des traitements" in client_for(network.user(role)).get("/").content.decode()


@pytest.mark.parametrize(
    "role", ["referent", "contributeur", "lecteur", "expert", "pilote", "sans_role"]
)
def test_other_people_do_not_read_the_processing_register(network, client_for, role):
    client = client_for(network.user(role))
    assert client.get(REGISTER).status_code == 403
    assert "Registre des traitements" not in client.get("/").content.decode()


def test_anonymous_people_are_sent_to_the_login_page(client, db):
    response = client.get(REGISTER)
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
