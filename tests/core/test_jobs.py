"""Durable jobs (core.jobs): published after commit, never lost, resumed after a crash."""

from __future__ import annotations

import datetime

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from core import jobs
from core.models import Job
from tenants import structure_import
from tenants.models import ImportStructures, Structure

from platform.celery import app

OUTAGE = {
    "task_always_eager": False,
    "broker_url": "redis://127.0.0.1:1/0",
    "broker_connection_retry": False,
    "broker_connection_max_retries": 0,
    "task_publish_retry": False,
}


def _forget_connections():
    """The app caches its broker connections: drop them when the broker URL changes."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(monkeypatch):
    # Celery prefers CELERY_BROKER_URL from the environment to its configuration.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    previous = {key: app.conf.get(key) for key in OUTAGE}
    app.conf.update(OUTAGE)
    _forget_connections()
    yield
    app.conf.update(previous)
    _forget_connections()


def _import(network, *names: str) -> ImportStructures:
    header = "Nom;Type;Territoire\n"
    content = (header + "".join(f"{name};SAAD;ut-test\n" for name in names)).encode()
    return structure_import.start_structure_import(
        name="s.csv", content=content, user=network.user("federation")
    )


def _job_of(record: ImportStructures) -> Job:
    return Job.objects.get(key=f"structure_import:{record.pk}")


def _other_session():
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"], host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"]
    )


def test_a_job_is_published_after_commit_and_done(network, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = _import(network, "Job Un")
        job = _job_of(record)
        assert job.etat == Job.Etat.EN_ATTENTE and job.enqueued_at is None
    job.refresh_from_db()
    record.refresh_from_db()
    assert job.etat == Job.Etat.FAIT and job.attempts == 1 and job.publications == 1
    assert job.result == {"statut": "termine", "faits": 1, "total": 1}
    assert job.schema_name == "public" and job.heartbeat_at is not None
    assert record.statut == ImportStructures.Statut.TERMINE


def test_broker_down_never_fails_the_request_and_the_sweeper_runs_the_job(
    network, django_capture_on_commit_callbacks, broker_down
):
    with django_capture_on_commit_callbacks(execute=True):
        record = _import(network, "Panne Broker")
    job = _job_of(record)
    assert job.etat == Job.Etat.EN_ATTENTE and job.enqueued_at is None
    assert job.publications == 0
    app.conf.update(task_always_eager=True)  # the broker is back (eager: runs in-process)
    assert jobs.sweep() == [job.pk]
    job.refresh_from_db()
    record.refresh_from_db()
    assert job.etat == Job.Etat.FAIT and record.statut == ImportStructures.Statut.TERMINE
    assert Structure.objects.filter(slug="panne-broker").count() == 1
    assert jobs.sweep() == []  # nothing left to publish


def test_a_job_left_en_cours_by_a_dead_worker_is_resumed_without_duplicates(network):
    record = _import(network, "Reprise Un", "Reprise Deux", "Reprise Trois")
    job = _job_of(record)
    # The first attempt created one structure, then its worker was killed.
    first_row = {k: v for k, v in record.lignes[0].items() if k != "ligne"}
    first_row["groupes"] = []
    from tenants import services

    first = services.create_structure(**first_row)
    ImportStructures.objects.filter(pk=record.pk).update(
        statut=ImportStructures.Statut.EN_COURS, faits=1, structures_creees=[first.pk]
    )
    stale = timezone.now() - datetime.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(
        etat=Job.Etat.EN_COURS, attempts=1, heartbeat_at=stale, enqueued_at=stale
    )
    assert jobs.sweep() == [job.pk]  # eager: the sweeper's publication runs it
    job.refresh_from_db()
    record.refresh_from_db()
    assert (job.etat, job.attempts) == (Job.Etat.FAIT, 2)
    assert record.statut == ImportStructures.Statut.TERMINE and record.faits == 3
    for slug in ("reprise-un", "reprise-deux", "reprise-trois"):
        assert Structure.objects.filter(slug=slug).count() == 1
    assert record.structures_creees[0] == first.pk


def test_a_job_whose_lease_is_held_by_a_live_process_is_left_to_it(network):
    record = _import(network, "Bail Tenu")
    job = _job_of(record)
    Job.objects.filter(pk=job.pk).update(
        etat=Job.Etat.EN_COURS, attempts=1, heartbeat_at=timezone.now() - datetime.timedelta(1)
    )
    with _other_session() as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [jobs.LEASE_NAMESPACE, job.pk])
        assert jobs.lease_is_free(job.pk) is False
        assert jobs.sweep() == []
        again = jobs.run(job.pk, structure_import.run_structure_import_job)
        assert again.etat == Job.Etat.EN_COURS and again.attempts == 1
        other.execute("SELECT pg_advisory_unlock(%s, %s)", [jobs.LEASE_NAMESPACE, job.pk])
        assert jobs.lease_is_free(job.pk) is True
    assert not Structure.objects.filter(slug="bail-tenu").exists()


def test_a_job_that_kills_its_worker_every_time_is_given_up(network, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    record = _import(network, "Poison")
    job = _job_of(record)
    ImportStructures.objects.filter(pk=record.pk).update(statut=ImportStructures.Statut.EN_COURS)
    Job.objects.filter(pk=job.pk).update(etat=Job.Etat.EN_COURS, attempts=2)
    job = jobs.run(
        job.pk,
        structure_import.run_structure_import_job,
        on_give_up=structure_import.give_up_structure_import,
    )
    record.refresh_from_db()
    assert job.etat == Job.Etat.ECHOUE and job.errors == "too many attempts"
    assert record.statut == ImportStructures.Statut.ECHOUE
    assert not Structure.objects.filter(slug="poison").exists()


def test_a_failing_handler_fails_the_job_and_a_new_submit_retries_it(
    db, django_capture_on_commit_callbacks
):
    def explode(job, progress):
        raise ValueError("boom")

    job = Job.objects.create(kind="test", key="test:boom", task_name="core.tasks.sweep_jobs")
    failed = jobs.run(job.pk, explode)
    assert failed.etat == Job.Etat.ECHOUE and failed.errors == "ValueError: boom"
    assert jobs.run(job.pk, explode).attempts == 1  # a finished job is left as is
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = jobs.submit(kind="test", key="test:boom", task_name="core.tasks.sweep_jobs")
    assert again.etat == Job.Etat.EN_ATTENTE and again.attempts == 0 and len(callbacks) == 1
    with pytest.raises(jobs.JobTransitionError):
        jobs._move(again, Job.Etat.FAIT)


def test_import_pages_say_all_or_nothing_and_resumable(network, client_for):
    client = client_for(network.user("federation"))
    form = client.get("/reseau/structures/import/").content.decode()
    assert "Import tout ou rien" in form and "reprend à la première structure non créée" in form
    record = ImportStructures.objects.create(
        fichier_nom="s.csv", auteur=network.user("federation"), statut="en_cours", total=3, faits=1
    )
    page = client.get(f"/reseau/structures/import/{record.pk}/").content.decode()
    assert "Tout ou rien" in page and "reprend là où il s'était arrêté" in page


def test_an_undo_interrupted_by_a_crash_is_finished_by_the_resumed_run(network):
    record = _import(network, "Defaire Un", "Defaire Deux")
    from tenants import services

    made = [
        services.create_structure(**{**row, "groupes": []})
        for row in ({k: v for k, v in ligne.items() if k != "ligne"} for ligne in record.lignes)
    ]
    # The second row failed; the worker died after removing nothing.
    ImportStructures.objects.filter(pk=record.pk).update(
        statut=ImportStructures.Statut.EN_COURS,
        faits=2,
        structures_creees=[s.pk for s in made],
        message="Échec ligne 3 : test.",
    )
    again = structure_import.run_structure_import(import_id=record.pk)
    assert again.statut == ImportStructures.Statut.ECHOUE
    assert (again.faits, again.structures_creees) == (0, [])
    assert not Structure.objects.filter(slug__in=["defaire-un", "defaire-deux"]).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 's_defaire_%%'")
        assert cursor.fetchone()[0] == 0


def test_every_change_of_state_is_a_declared_move_logged_once_and_beats_are_not(db):
    """The jobs' states move through the workflow engine (core.workflow): one
    ``JobTransition`` row per move, with the move's name; heartbeats write none."""

    def beating(job, progress):
        for step in range(5):
            progress.beat(step=step)
        return {"steps": 5}

    job = Job.objects.create(kind="test", key="test:log", task_name="core.tasks.sweep_jobs")
    done = jobs.run(job.pk, beating)
    assert done.etat == Job.Etat.FAIT and done.progress == {"step": 4}
    log = list(done.transitions.values_list("transition", "from_statut", "to_statut", "user"))
    assert log == [
        ("start", "en_attente", "en_cours", None),
        ("finish", "en_cours", "fait", None),
    ]
    assert done.started_at is not None and done.finished_at is not None
    assert jobs.JOB.label(done.etat) == "Fait"
    assert {move.name for move in jobs.JOB.moves_from(Job.Etat.EN_COURS)} == {
        "resume",
        "finish",
        "fail",
        "give_up",
    }
    # A job left en_cours by a dead worker is resumed: a "resume" move, a new attempt.
    stale = Job.objects.create(
        kind="test", key="test:resume", task_name="core.tasks.sweep_jobs", etat="en_cours"
    )
    Job.objects.filter(pk=stale.pk).update(attempts=1)
    resumed = jobs.run(stale.pk, beating)
    assert resumed.attempts == 2
    assert list(resumed.transitions.values_list("transition", flat=True)) == ["resume", "finish"]


def test_a_refused_or_concurrent_move_writes_nothing(db):
    job = Job.objects.create(kind="test", key="test:cas", task_name="core.tasks.sweep_jobs")
    with pytest.raises(jobs.JobTransitionError):
        jobs._move(job, Job.Etat.FAIT)  # en_attente → fait is not declared
    Job.objects.filter(pk=job.pk).update(etat=Job.Etat.EN_COURS)  # another process moved it
    with pytest.raises(jobs.JobTransitionError):
        jobs._move(job, Job.Etat.EN_COURS)  # compare-and-set: job.etat is stale
    job.refresh_from_db()
    assert job.etat == Job.Etat.EN_COURS and not job.transitions.exists()
