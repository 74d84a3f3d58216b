"""Register imports as durable jobs (``core.page_jobs``): created in the request's
transaction, run once, all or nothing with a French report, shown on their page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accompagnement.registres import services
from accompagnement.registres.models import Reclamation
from accompagnement.registres.registry import REGISTRES
from core import jobs, page_jobs
from core.models import Job
from tests.bilans.test_registres import HEADER, _xlsx

BASE = "/s/alpha/registres/reclamations/import/"
ROWS = [
    ["2024-01-05", "Orale", "C-1", "Autre", "retard", "", None, "non"],
    ["2024-01-06", "Écrite", "C-2", "Planning", "absence", "", None, "oui"],
]


# One file for the whole module: an XLSX carries its creation time, the same file posted
# twice must have the same bytes.
CONTENT = _xlsx([HEADER, *ROWS])


def _post(client, rows=None, jeton=None):
    content = _xlsx([HEADER, *rows]) if rows else CONTENT
    data = {"fichier": SimpleUploadedFile("reclamations.xlsx", content)}
    if jeton:
        data["jeton"] = jeton
    return client.post(BASE, data)


def _reclamations(network) -> int:
    connection.set_tenant(network.structure)
    count = Reclamation.objects.count()
    connection.set_schema_to_public()
    return count


def test_the_job_is_created_in_the_request_and_published_after_commit(
    network, in_structure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.start_register_import(
            structure=network.structure,
            registre=REGISTRES["reclamations"],
            name="r.xlsx",
            content=_xlsx([HEADER, *ROWS]),
            user=network.user("referent"),
        )
        assert Job.objects.filter(pk=job.pk, etat="en_attente").exists()
    assert len(callbacks) == 1 and not Reclamation.objects.exists()
    assert job.schema_name == network.structure.schema_name
    assert job.progress == {"fichier": "r.xlsx", "lignes": 2, "registre": "reclamations"}


def test_page_posts_a_job_whose_page_shows_the_outcome(
    network, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network.user("contributeur"))
    form = client.get(BASE).content.decode()
    assert 'name="jeton"' in form and "en arrière-plan" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client)
    job = Job.objects.get(kind=services.IMPORT_JOB)
    assert response.status_code == 302 and response["Location"] == f"{BASE}{job.pk}/"
    assert job.etat == Job.Etat.FAIT and job.result["lignes"] == 2
    page = client.get(response["Location"]).content.decode()
    assert "2 lignes importées." in page and "Voir le registre" in page
    assert "hx-trigger" not in page  # finished: no more polling
    history = client.get(BASE).content.decode()
    assert "Historique des imports" in history and f"{BASE}{job.pk}/" in history
    assert _reclamations(network) == 2


def test_a_waiting_job_is_polled_by_htmx(network, client_for, django_capture_on_commit_callbacks):
    client = client_for(network.user("referent"))
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(client)
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "En attente" in page
    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<div id="job-status"') and "<html" not in fragment


def test_the_same_form_posted_twice_gives_one_job(
    network, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network.user("referent"))
    jeton = page_jobs.new_token()
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(client, jeton=jeton)
        second = _post(client, jeton=jeton)
    assert first["Location"] == second["Location"]
    assert Job.objects.filter(kind=services.IMPORT_JOB).count() == 1
    assert _reclamations(network) == 2


def test_running_the_job_twice_imports_once(
    network, in_structure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.start_register_import(
            structure=network.structure,
            registre=REGISTRES["reclamations"],
            name="r.xlsx",
            content=_xlsx([HEADER, *ROWS]),
            user=network.user("referent"),
        )
    first = jobs.run(job.pk, services.run_register_import_job)
    # A worker that died after the import's commit but before "fait": the job is run again.
    Job.objects.filter(pk=job.pk).update(etat=Job.Etat.EN_COURS)
    second = jobs.run(job.pk, services.run_register_import_job)
    assert first.etat == second.etat == Job.Etat.FAIT
    assert first.result == second.result == {"lignes": 2, "resume": "2 lignes importées."}
    assert Reclamation.objects.count() == 2
    assert "contenu" not in Job.objects.get(pk=job.pk).payload  # the file is not kept


def test_refused_rows_fail_the_job_with_french_messages_and_nothing_saved(
    network, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network.user("referent"))
    bad = ["x", "Orale", "Dupont", "Autre", "a", "", None, "non"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, rows=[ROWS[0], bad])  # rows are checked by the job
    job = Job.objects.get(kind=services.IMPORT_JOB)
    assert response["Location"] == f"{BASE}{job.pk}/"
    assert job.etat == Job.Etat.ECHOUE and job.errors.startswith("Refused: ")
    assert {message.split(",")[0] for message in job.progress["erreurs"]} == {"Ligne 3"}
    assert len(job.progress["erreurs"]) == 2  # the date and the client reference
    assert _reclamations(network) == 0
    page = client.get(response["Location"]).content.decode()
    assert "a été enregistré." in page and "Ligne 3, date" in page
    assert "Corriger et réessayer" in page
    assert "contenu" not in Job.objects.get(pk=job.pk).payload


def test_a_failed_import_posted_again_is_retried_with_its_file(
    network, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network.user("referent"))
    jeton = page_jobs.new_token()
    with django_capture_on_commit_callbacks(execute=False):
        _post(client, jeton=jeton)
    job = Job.objects.get(kind=services.IMPORT_JOB)
    Job.objects.filter(pk=job.pk).update(
        etat=Job.Etat.ECHOUE, payload={"registre": "reclamations", "auteur": job.payload["auteur"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = _post(client, jeton=jeton)  # the same form and file, once more
    assert again["Location"] == f"{BASE}{job.pk}/"
    assert Job.objects.get(pk=job.pk).etat == Job.Etat.FAIT
    assert _reclamations(network) == 2


def test_the_polled_fragment_costs_a_bounded_number_of_queries(
    network, client_for, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = client_for(network.user("referent"))
    with django_capture_on_commit_callbacks(execute=False):
        location = _post(client)["Location"]
    client.get(location, headers={"HX-Request": "true"})  # warm the caches
    with django_assert_max_num_queries(8):
        client.get(location, headers={"HX-Request": "true"})


def test_an_unreadable_file_or_unknown_columns_are_refused_at_once_without_a_job(
    network, client_for
):
    client = client_for(network.user("referent"))
    response = client.post(BASE, {"fichier": SimpleUploadedFile("r.xlsx", b"not a workbook")})
    assert response.status_code == 400 and "lisible" in response.content.decode()
    upload = SimpleUploadedFile("r.xlsx", _xlsx([[*HEADER, "Nom du client"], [*ROWS[0], "X"]]))
    response = client.post(BASE, {"fichier": upload})
    assert response.status_code == 400
    assert "Colonne inconnue : « Nom du client »." in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", ["directeur", "referent", "contributeur"])
def test_writers_of_the_structure_import(
    network, client_for, role, django_capture_on_commit_callbacks
):
    client = client_for(network.user(role))
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("role", ["lecteur", "expert", "pilote", "federation"])
def test_readers_may_neither_import_nor_see_the_jobs(
    network, client_for, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        location = _post(client_for(network.user("referent")))["Location"]
    client = client_for(network.user(role))
    assert client.get(BASE).status_code == 403
    assert _post(client).status_code == 403
    assert client.get(location).status_code == 403


@pytest.mark.parametrize("role", ["directeur_autre", "expert_autre", "pilote_autre", "sans_role"])
def test_people_of_another_structure_get_404(
    network, client_for, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        location = _post(client_for(network.user("referent")))["Location"]
    assert client_for(network.user(role)).get(location).status_code == 404


def test_another_structures_job_is_404(network, client_for, django_capture_on_commit_callbacks):
    connection.set_tenant(network.other_structure)
    with django_capture_on_commit_callbacks(execute=False):
        job = services.start_register_import(
            structure=network.other_structure,
            registre=REGISTRES["reclamations"],
            name="r.xlsx",
            content=_xlsx([HEADER, *ROWS]),
            user=network.user("directeur_autre"),
        )
    connection.set_schema_to_public()
    client = client_for(network.user("directeur"))
    assert client.get(f"{BASE}{job.pk}/").status_code == 404
    assert client.get(f"/s/alpha/registres/evenements/import/{job.pk}/").status_code in (404,)


@pytest.mark.parametrize(
    ("slug", "values"),
    [
        ("clients", {"annee": 2024, "nombre": 140}),
        (
            "enquetes",
            {
                "periode": "2024",
                "annee": 2024,
                "repondants": 90,
                "tres_satisfaits": 35,
                "satisfaits": 40,
                "peu_satisfaits": 10,
                "pas_satisfaits": 5,
            },
        ),
    ],
)
def test_other_registers_round_trip_through_their_import(network, in_structure, slug, values):
    from accompagnement.registres import xlsx

    registre = REGISTRES[slug]
    entry = registre.model.objects.create(**values)
    content = xlsx.export_register(registre, [entry])
    entry.delete()
    assert (
        services.import_register(
            structure=in_structure,
            user=network.user("referent"),
            registre=registre,
            content=content,
        )
        == 1
    )
    again = registre.model.objects.get()
    assert {name: getattr(again, name) for name in values} == values


def test_a_job_that_killed_its_workers_too_often_fails_without_its_file(
    network, client_for, django_capture_on_commit_callbacks
):
    from accompagnement.registres.tasks import import_register_task

    client = client_for(network.user("referent"))
    with django_capture_on_commit_callbacks(execute=False):
        location = _post(client)["Location"]
    job = Job.objects.get(kind=services.IMPORT_JOB)
    Job.objects.filter(pk=job.pk).update(etat=Job.Etat.EN_COURS, attempts=jobs.max_attempts())
    connection.set_tenant(network.structure)
    assert import_register_task.run(job.pk) == Job.Etat.ECHOUE
    connection.set_schema_to_public()
    assert "contenu" not in Job.objects.get(pk=job.pk).payload
    assert _reclamations(network) == 0
    page = client.get(location).content.decode()
    assert "Le traitement a échoué." in page and "hx-trigger" not in page
