"""Frame imports from the pages as durable jobs (``core.page_jobs``, public schema)."""

from __future__ import annotations

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from core import jobs
from core.models import Job
from referentiels import import_jobs
from referentiels.models import ReferentielVersion
from tests.referentiels.test_import_export import MINIMAL

BASE = "/referentiels/importer/"


def _post(client, document=MINIMAL):
    upload = SimpleUploadedFile("cadre.yaml", yaml.safe_dump(document).encode())
    return client.post(BASE, {"fichier": upload})


def test_the_job_is_created_in_the_request_and_published_after_commit(
    network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = import_jobs.start_version_import(
            name="cadre.yaml",
            content=yaml.safe_dump(MINIMAL).encode(),
            user=network.user("federation"),
        )
        assert Job.objects.filter(pk=job.pk, etat="en_attente").exists()
    assert len(callbacks) == 1 and not ReferentielVersion.objects.exists()
    assert job.schema_name == "public" and job.progress["fichier"] == "cadre.yaml"


def test_the_page_starts_a_job_whose_page_leads_to_the_draft(
    network, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network.user("federation"))
    assert 'name="jeton"' in client.get(BASE).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(client)
    job = Job.objects.get(kind=import_jobs.IMPORT_JOB)
    assert response["Location"] == f"{BASE}{job.pk}/"
    waiting = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "En attente" in waiting
    jobs.run(job.pk, import_jobs.run_version_import_job)
    version = ReferentielVersion.objects.get()
    done = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "importée en brouillon" in done and f"/referentiels/versions/{version.pk}/" in done
    assert f"{BASE}{job.pk}/" in client.get(BASE).content.decode()  # history


def test_running_the_job_twice_creates_one_draft(network, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = import_jobs.start_version_import(
            name="cadre.yaml",
            content=yaml.safe_dump(MINIMAL).encode(),
            user=network.user("federation"),
        )
    first = jobs.run(job.pk, import_jobs.run_version_import_job)
    Job.objects.filter(pk=job.pk).update(etat=Job.Etat.EN_COURS)  # died before "fait"
    second = jobs.run(job.pk, import_jobs.run_version_import_job)
    assert first.etat == second.etat == Job.Etat.FAIT and first.result == second.result
    assert ReferentielVersion.objects.count() == 1


def test_a_version_number_taken_meanwhile_fails_the_job_in_french(
    network, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network.user("federation"))
    with django_capture_on_commit_callbacks(execute=False):
        first = _post(client)
        second = _post(client)  # another form: the same file, checked before either runs
    assert first["Location"] != second["Location"]
    for job in Job.objects.order_by("pk"):
        jobs.run(job.pk, import_jobs.run_version_import_job)
    assert ReferentielVersion.objects.count() == 1
    failed = Job.objects.order_by("pk").last()
    assert failed.etat == Job.Etat.ECHOUE and failed.progress["message"]
    page = client.get(second["Location"]).content.decode()
    assert failed.progress["message"] in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert "a été enregistré." in page


def test_a_file_with_errors_is_refused_at_once_without_a_job(network, client_for):
    bad = yaml.safe_load(yaml.safe_dump(MINIMAL))
    bad["echelle"]["valeurs"][0]["poids"] = 2
    response = _post(client_for(network.user("federation")), bad)
    assert response.status_code == 400 and not Job.objects.exists()


@pytest.mark.parametrize("role", ["pilote", "expert", "directeur", "referent", "sans_role"])
def test_only_frame_managers_import_and_see_the_jobs(
    network, client_for, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        location = _post(client_for(network.user("federation")))["Location"]
    client = client_for(network.user(role))
    assert _post(client).status_code == 403
    assert client.get(location).status_code == 403
    assert Job.objects.count() == 1


def test_a_structures_job_is_not_a_frame_import(network, client_for):
    other = Job.objects.create(
        kind=import_jobs.IMPORT_JOB, key="x", task_name="t", schema_name="s_alpha"
    )
    assert client_for(network.user("federation")).get(f"{BASE}{other.pk}/").status_code == 404
