"""The expert's bulk confirmation ("confirmer les critères restants") as a durable job."""

from __future__ import annotations

import pytest
from django.db import connection

from accompagnement.diagnostics import confirmation_jobs, services
from accompagnement.diagnostics.models import Confirmation
from core import jobs
from core.models import Job
from tests.diagnostics.conftest import answer_all


@pytest.fixture
def submitted(autodiagnostic, frame, network):
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    connection.set_schema_to_public()
    return autodiagnostic


def _url(autodiagnostic, job_pk=None) -> str:
    base = f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/confirmation/restants/"
    return f"{base}{job_pk}/" if job_pk else base


def _confirmations(network) -> int:
    connection.set_tenant(network.structure)
    count = Confirmation.objects.count()
    connection.set_schema_to_public()
    return count


def test_the_job_is_created_in_the_request_and_the_page_shows_its_outcome(
    submitted, network, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network.user("expert"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_url(submitted))
    job = Job.objects.get(kind=confirmation_jobs.CONFIRM_JOB)
    assert len(callbacks) == 1 and job.etat == Job.Etat.EN_ATTENTE
    assert response["Location"] == _url(submitted, job.pk)
    assert _confirmations(network) == 0
    waiting = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "En attente" in waiting
    connection.set_tenant(network.structure)
    done = jobs.run(job.pk, confirmation_jobs.run_confirm_remaining_job)
    connection.set_schema_to_public()
    assert done.etat == Job.Etat.FAIT and done.result["criteres"] == _confirmations(network) > 0
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "confirmés tels que déclarés." in page and "Revenir à la confirmation" in page


def test_running_the_job_twice_confirms_once(
    submitted, network, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(network.user("expert")).post(_url(submitted))
    job = Job.objects.get(kind=confirmation_jobs.CONFIRM_JOB)
    first_count = _confirmations(network)
    Job.objects.filter(pk=job.pk).update(etat=Job.Etat.EN_COURS)  # died before "fait"
    connection.set_tenant(network.structure)
    again = jobs.run(job.pk, confirmation_jobs.run_confirm_remaining_job)
    connection.set_schema_to_public()
    assert again.etat == Job.Etat.FAIT and again.result == job.result
    assert again.result["criteres"] == first_count == _confirmations(network)


def test_a_self_diagnosis_reopened_before_the_job_runs_fails_it_in_french(
    submitted, network, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network.user("expert"))
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(_url(submitted))
    job = Job.objects.get(kind=confirmation_jobs.CONFIRM_JOB)
    connection.set_tenant(network.structure)
    services.reopen_autodiagnostic(
        structure=network.structure,
        autodiagnostic=submitted,
        user=network.user("expert"),
        commentaire="à reprendre",
    )
    failed = jobs.run(job.pk, confirmation_jobs.run_confirm_remaining_job)
    connection.set_schema_to_public()
    assert failed.etat == Job.Etat.ECHOUE
    assert failed.progress["message"] == "Seul un autodiagnostic soumis peut être confirmé."
    assert _confirmations(network) == 0
    page = client.get(response["Location"]).content.decode()
    assert "Seul un autodiagnostic soumis peut être confirmé." in page


def test_a_draft_is_refused_at_once_without_a_job(autodiagnostic, network, client_for):
    connection.set_schema_to_public()
    response = client_for(network.user("expert")).post(_url(autodiagnostic), follow=True)
    assert "Seul un autodiagnostic soumis peut être confirmé." in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "role", ["directeur", "referent", "lecteur", "pilote", "federation", "expert_autre"]
)
def test_only_the_structures_expert_confirms_and_sees_the_job(
    submitted, network, client_for, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        location = client_for(network.user("expert")).post(_url(submitted))["Location"]
    client = client_for(network.user(role))
    assert client.post(_url(submitted)).status_code == 404
    assert client.get(location).status_code == 404
    assert Job.objects.count() == 1


def test_a_job_of_another_structure_or_self_diagnosis_is_404(
    submitted, network, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        client_for(network.user("expert")).post(_url(submitted))
    job = Job.objects.get()
    elsewhere = Job.objects.create(
        kind=job.kind,
        key="other",
        task_name=job.task_name,
        schema_name="s_beta",
        progress={"autodiagnostic": submitted.pk},
    )
    client = client_for(network.user("expert"))
    assert client.get(_url(submitted, elsewhere.pk)).status_code == 404
    Job.objects.filter(pk=job.pk).update(progress={"autodiagnostic": submitted.pk + 1000})
    assert client.get(_url(submitted, job.pk)).status_code == 404
