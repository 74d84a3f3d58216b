"""Action plan imports as durable jobs (``core.page_jobs``)."""

from __future__ import annotations

import io

import pytest
from django.db import connection

from accompagnement.plans import services, xlsx
from accompagnement.plans.models import Action
from core import jobs
from core.models import Job
from tests.accompagnement.test_plans_xlsx import _workbook

BASE = "/s/alpha/plan/"


def _row(titre: str, reference=None) -> list:
    return [reference, titre, "", "", "", "", None, None, "", None, "", ""]


def _post(client, rows):
    return client.post(f"{BASE}import/", {"fichier": io.BytesIO(_workbook(rows))})


def _titles(network) -> list[str]:
    connection.set_tenant(network.structure)
    titles = sorted(Action.objects.values_list("titre", flat=True))
    connection.set_schema_to_public()
    return titles


def test_the_job_is_created_in_the_request_and_published_after_commit(
    network, in_structure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = xlsx.start_plan_import(
            structure=network.structure,
            user=network.user("referent"),
            name="plan.xlsx",
            content=_workbook([_row("Une"), _row("Deux")]),
        )
        assert Job.objects.filter(pk=job.pk, etat="en_attente").exists()
    assert len(callbacks) == 1 and not Action.objects.exists()
    assert job.progress == {"fichier": "plan.xlsx", "lignes": 2}


def test_the_plan_page_starts_a_job_whose_page_shows_progress_and_outcome(
    network, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network.user("referent"))
    assert 'name="jeton"' in client.get(BASE).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(client, [_row("Une"), _row("Deux")])
    job = Job.objects.get(kind=xlsx.IMPORT_JOB)
    assert response["Location"] == f"{BASE}import/{job.pk}/"
    waiting = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "En attente" in waiting
    connection.set_tenant(network.structure)
    jobs.run(job.pk, xlsx.run_plan_import_job)
    connection.set_schema_to_public()
    done = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "Import réussi : 2 actions créées ;" in done
    assert "hx-trigger" not in done and "Voir le plan d" in done
    assert f"{BASE}import/{job.pk}/" in client.get(BASE).content.decode()  # history
    assert _titles(network) == ["Deux", "Une"]


def test_running_the_job_twice_imports_once(
    network, in_structure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = xlsx.start_plan_import(
            structure=network.structure,
            user=network.user("directeur"),
            name="plan.xlsx",
            content=_workbook([_row("Une")]),
        )
    first = jobs.run(job.pk, xlsx.run_plan_import_job)
    Job.objects.filter(pk=job.pk).update(etat=Job.Etat.EN_COURS)  # died before "fait"
    second = jobs.run(job.pk, xlsx.run_plan_import_job)
    assert first.etat == second.etat == Job.Etat.FAIT and first.result == second.result
    assert Action.objects.count() == 1


def test_a_row_refused_when_the_job_runs_fails_it_and_writes_nothing(
    network, client_for, django_capture_on_commit_callbacks
):
    connection.set_tenant(network.structure)
    action = services.create_action(
        structure=network.structure, user=network.user("referent"), titre="Existante"
    )
    connection.set_schema_to_public()
    client = client_for(network.user("referent"))
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(client, [_row("Nouvelle"), _row("Renommée", reference=action.pk)])
    job = Job.objects.get(kind=xlsx.IMPORT_JOB)
    connection.set_tenant(network.structure)
    Action.objects.filter(pk=action.pk).delete()  # removed between the check and the job
    failed = jobs.run(job.pk, xlsx.run_plan_import_job)
    connection.set_schema_to_public()
    assert failed.etat == Job.Etat.ECHOUE
    assert _titles(network) == []
    page = client.get(response["Location"]).content.decode()
    assert "Ligne 3, colonne « Référence » : aucune action de ce plan" in page
    assert "a été enregistré." in page


def test_a_file_with_errors_goes_back_to_the_plan_page_without_a_job(network, client_for):
    client = client_for(network.user("referent"))
    response = _post(
        client, [_row("Une"), [None, "", "", "", "Urgente", "", None, None, "", None, "", ""]]
    )
    assert response["Location"] == BASE and not Job.objects.exists()
    page = client.get(BASE).content.decode()
    assert "Ligne 3, colonne « Titre » : le titre est obligatoire." in page


@pytest.mark.parametrize("role", ["directeur", "referent", "expert"])
def test_plan_writers_import(network, client_for, role, django_capture_on_commit_callbacks):
    client = client_for(network.user(role))
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, [_row(f"Par {role}")])
    assert client.get(response["Location"]).status_code == 200
    assert _titles(network) == [f"Par {role}"]


@pytest.mark.parametrize(
    "role", ["contributeur", "lecteur", "directeur_autre", "expert_autre", "sans_role"]
)
def test_others_get_404_for_the_import_and_its_job(
    network, client_for, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        location = _post(client_for(network.user("referent")), [_row("Une")])["Location"]
    client = client_for(network.user(role))
    assert _post(client, [_row("Deux")]).status_code == 404
    assert client.get(location).status_code == 404
    assert Job.objects.count() == 1


def test_another_structures_job_is_404(network, client_for, django_capture_on_commit_callbacks):
    connection.set_tenant(network.other_structure)
    with django_capture_on_commit_callbacks(execute=False):
        job = xlsx.start_plan_import(
            structure=network.other_structure,
            user=network.user("directeur_autre"),
            name="plan.xlsx",
            content=_workbook([_row("Une")]),
        )
    connection.set_schema_to_public()
    assert client_for(network.user("directeur")).get(f"{BASE}import/{job.pk}/").status_code == 404
