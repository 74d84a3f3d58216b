"""The expert's confirmation: the queue in the navigation, a progress bar, and the bulk
"confirmer les critères restants tels que déclarés"."""

from __future__ import annotations

import pytest
from django.db import connection

from accompagnement.diagnostics import services
from accompagnement.diagnostics.models import Confirmation
from tests.diagnostics.conftest import answer_all
from tests.factories import build_frame


@pytest.fixture
def submitted(in_structure, network):
    frame = build_frame()  # 6 criteria
    autodiagnostic = services.create_autodiagnostic(
        structure=in_structure, version=frame.version, annee=2016, user=network.user("referent")
    )
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    first = autodiagnostic.reponses.order_by("pk").first()
    services.confirm_criterion(
        structure=network.structure, reponse=first, expert=network.user("expert")
    )
    connection.set_schema_to_public()
    return autodiagnostic


def test_expert_confirms_the_rest_as_declared(
    submitted, network, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network.user("expert"))
    url = f"/s/alpha/autodiagnostics/{submitted.pk}/confirmation/"
    page = client.get(url).content.decode()
    assert "1 critère confirmé sur 6" in page
    assert "Confirmer les critères restants tels que déclarés" in page
    # a durable job, run once the request's transaction commits; its page gives the outcome
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "restants/")
    assert response.status_code == 302 and "/restants/" in response["Location"]
    job_page = client.get(response["Location"]).content.decode()
    assert "5 critères confirmés tels que déclarés." in job_page
    page = client.get(url).content.decode()
    assert "6 critères confirmés sur 6" in page
    assert "Confirmer les critères restants" not in page
    connection.set_tenant(network.structure)
    assert Confirmation.objects.filter(reponse__autodiagnostic=submitted).count() == 6


@pytest.mark.parametrize("role", ["referent", "directeur", "pilote", "expert_autre"])
def test_only_the_structures_expert_confirms_in_bulk(role, submitted, network, client_for):
    url = f"/s/alpha/autodiagnostics/{submitted.pk}/confirmation/restants/"
    assert client_for(network.user(role)).post(url).status_code == 404
    connection.set_tenant(network.structure)
    assert Confirmation.objects.filter(reponse__autodiagnostic=submitted).count() == 1


def test_queue_is_in_the_experts_navigation(submitted, network, client_for):
    expert = client_for(network.user("expert"))
    home = expert.get("/").content.decode()
    assert 'href="/autodiagnostics/a-confirmer/"' in home
    response = expert.get("/autodiagnostics/", follow=True)
    assert response.redirect_chain[-1][0] == "/autodiagnostics/a-confirmer/"
    assert "Structure Alpha" in response.content.decode()
    other = client_for(network.user("expert_autre")).get("/autodiagnostics/a-confirmer/")
    assert "Structure Alpha" not in other.content.decode()
    referent = client_for(network.user("referent"))
    assert "/autodiagnostics/a-confirmer/" not in referent.get("/").content.decode()
    assert referent.get("/autodiagnostics/a-confirmer/").status_code == 404
