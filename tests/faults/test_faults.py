"""Nothing lost: background work survives worker kills, broker outages, an SMTP window and
a PostgreSQL restart (issue 17). Real Redis, real worker process, real SMTP, real PostgreSQL.

Counts are kept in ``conftest.RESULTS`` and printed as the issue's table at the end.
``FAULT_TRIALS`` (default 20) sets the number of imports killed by a worker kill,
``FAULT_IN_FLIGHT`` (default 5) how many of them run at once (one kill interrupts them all),
``FAULT_ROWS`` (default 2) the structures of each import,
``FAULT_REQUESTS`` (default 50) the number of requests during the broker outage.
"""

from __future__ import annotations

import contextlib
import io
import os
import pwd
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from accompagnement.diagnostics import exports
from accompagnement.diagnostics import tasks as diagnostic_tasks
from core import jobs
from core.models import Job, OutboxMessage
from tenants import structure_import
from tenants.models import (
    TEMPLATE_SCHEMA,
    AuditLog,
    ImportStructures,
    Structure,
    Territoire,
    User,
)
from tests.conftest import STRUCTURE_SLUG
from tests.faults.conftest import (
    RESULTS,
    ROOT,
    Worker,
    broker_url_of,
    database_url,
    free_port,
    wait_for,
)

from platform.celery import app

pytestmark = pytest.mark.faults

TRIALS = int(os.environ.get("FAULT_TRIALS", 20))
ROWS_PER_IMPORT = int(os.environ.get("FAULT_ROWS", 2))
# Imports run at once by the worker (its pool processes): each kill interrupts this many.
IN_FLIGHT = int(os.environ.get("FAULT_IN_FLIGHT", 5))
REQUESTS = int(os.environ.get("FAULT_REQUESTS", 50))
SLUG_PREFIX = "faute-"
# Upper bound (seconds) of a recovery before a scenario counts as failed: generous, because
# several suites may share two cores (not a speed measure; a recovery never comes sooner).
PATIENCE = float(os.environ.get("FAULT_PATIENCE", 240))


def _forget_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


def _remove_what_the_module_made() -> None:
    connection.set_schema_to_public()
    # One schema (~180 tables, each locked until the commit) per transaction.
    for structure in Structure.objects.filter(slug__startswith=SLUG_PREFIX):
        structure.groupes.clear()
        structure.delete(force_drop=True)
    users = User.objects.filter(email__endswith="@fautes.example")
    imports = ImportStructures.objects.filter(auteur__in=users)
    job_keys = [f"{structure_import.JOB_KIND}:{pk}" for pk in imports.values_list("pk", flat=True)]
    Job.objects.filter(key__in=job_keys).delete()
    imports.delete()
    OutboxMessage.objects.filter(key__startswith="fautes:").delete()
    AuditLog.objects.filter(actor__in=users).delete()
    # Deleting a person collects the rows of tenant tables pointing to them: look from a
    # schema that has those tables (the template's), public one behind it.
    with schema_context(TEMPLATE_SCHEMA):
        users.delete()
    Territoire.objects.filter(code="ut-fautes").delete()


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    """Committed rows for the worker process; everything the module made is removed."""
    with django_db_blocker.unblock():
        _remove_what_the_module_made()  # a run interrupted before its clean-up
        territoire = Territoire.objects.create(code="ut-fautes", nom="UT Fautes")
        user = User.objects.create_user(
            email="federation@fautes.example", password="x" * 20, is_federation_admin=True
        )
        yield {"territoire": territoire, "user": user}
        _remove_what_the_module_made()


@pytest.fixture(scope="module")
def broker(redis_server):
    """The test process publishes to the real Redis (as the web process would)."""
    url = broker_url_of(redis_server)
    keys = ("broker_url", "task_always_eager", "broker_connection_retry_on_startup")
    previous = {key: app.conf.get(key) for key in keys}
    # Celery prefers CELERY_BROKER_URL from the environment to its configuration.
    environment = os.environ.pop("CELERY_BROKER_URL", None)
    app.conf.update(broker_url=url, task_always_eager=False)
    _forget_connections()
    yield url
    app.conf.update(previous)
    if environment is not None:
        os.environ["CELERY_BROKER_URL"] = environment
    _forget_connections()


SMTP_SUBJECT = "Panne (tests de pannes)"


class SmtpSink:
    """A real SMTP server (aiosmtpd) recording the Message-ID of each accepted message;
    ``on_quit`` (set by a test) runs when a client says QUIT after an accepted message."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []  # (subject, Message-ID)
        self.on_quit = None

    async def handle_DATA(self, server, session, envelope):
        headers = {}
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if not line:
                break
            name, _sep, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        self.received.append((headers.get("subject", ""), headers.get("message-id", "")))
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        if self.on_quit is not None:
            self.on_quit()
        return "221 Bye"

    def ids_of(self, subject: str) -> list[str]:
        return [message_id for s, message_id in self.received if s == subject]


@pytest.fixture(scope="module")
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }
    yield sink
    controller.stop()


@pytest.fixture(scope="module")
def worker(broker, committed, smtp_sink, tmp_path_factory):
    """The worker of the module: ``IN_FLIGHT`` pool processes, e-mails to the SMTP sink."""
    process = Worker(
        broker_url=broker,
        db_url=database_url(connection.settings_dict),
        log_dir=tmp_path_factory.mktemp("worker-logs"),
        extra_env=smtp_sink.env,
        concurrency=IN_FLIGHT,
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def sweeper(settings):
    """The sweeper as beat runs it, with delays shortened to the test's time scale."""
    settings.JOB_STALE_AFTER_SECONDS = 0
    settings.JOB_REQUEUE_AFTER_SECONDS = 5
    return jobs.sweep


def _csv(names: list[str]) -> bytes:
    return ("nom;type;territoire\n" + "".join(f"{n};SAAD;ut-fautes\n" for n in names)).encode()


def _start_import(user, names: list[str]) -> ImportStructures:
    return structure_import.start_structure_import(
        name="fautes.csv", content=_csv(names), user=user
    )


def _count_once(slugs: list[str]) -> tuple[int, int]:
    """(lost, duplicated) among the structures expected, rows and schemas."""
    rows = {
        slug: Structure.objects.filter(slug=slug).count() for slug in slugs
    }  # slug is unique: >1 is impossible, 0 is a loss
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)",
            [[f"s_{slug.replace('-', '_')}" for slug in slugs]],
        )
        schemas = {name for (name,) in cursor.fetchall()}
    lost = sum(
        1 for slug in slugs if rows[slug] == 0 or f"s_{slug.replace('-', '_')}" not in schemas
    )
    duplicated = sum(max(0, n - 1) for n in rows.values())
    return lost, duplicated


def _latency(seconds: list[float]) -> str:
    """The requests' latency while the broker is down: median and slowest."""
    ordered = sorted(seconds)
    return f"median {ordered[len(ordered) // 2]:.2f} s, slowest {ordered[-1]:.2f} s"


def _finished(record: ImportStructures):
    record.refresh_from_db()
    return record.statut in (ImportStructures.Statut.TERMINE, ImportStructures.Statut.ECHOUE)


# --- 1. kill -9 the worker during a structure import ------------------------------------------


def test_worker_killed_during_imports_every_row_exactly_once(committed, worker, sweeper):
    """``TRIALS`` imports, each interrupted by a kill -9 of the process running it. The
    worker runs ``IN_FLIGHT`` imports at once (one per pool process), so one kill
    interrupts ``IN_FLIGHT`` imports: rounds alternate between killing the pool processes
    (the main process forks new ones, the messages come back) and killing the whole worker
    (main process and pool: the messages stay unacknowledged; the sweeper republishes the
    jobs whose lease died with it), which is then restarted."""
    user = committed["user"]
    counts = {
        kind: {"attempted": 0, "lost": 0, "duplicated": 0, "trials": 0, "mid_import": 0}
        for kind in ("pool_kill", "main_kill")
    }
    by_redelivery = 0
    rounds = [range(first, min(first + IN_FLIGHT, TRIALS)) for first in range(0, TRIALS, IN_FLIGHT)]
    for number, trials in enumerate(rounds):
        kind = "pool_kill" if number % 2 == 0 else "main_kill"
        slugs = {t: [f"{SLUG_PREFIX}{t}-{row}" for row in range(ROWS_PER_IMPORT)] for t in trials}
        records = [
            _start_import(user, [f"Faute {t} {row}" for row in range(ROWS_PER_IMPORT)])
            for t in trials
        ]  # committed: each published after its commit, run by its own pool process
        wait_for(
            lambda records=records: all(
                ImportStructures.objects.filter(pk=r.pk, faits__gte=1).exists() or _finished(r)
                for r in records
            ),
            timeout=PATIENCE,
            interval=0.02,
            what="the imports to start",
        )
        time.sleep(random.uniform(0, 0.3))  # anywhere in the next rows
        for record in records:
            record.refresh_from_db()
            counts[kind]["mid_import"] += int(record.statut == ImportStructures.Statut.EN_COURS)
        if kind == "pool_kill":
            worker.kill_pool_process()  # the main process forks new ones
            # The messages are given back (reject on worker lost), the jobs resumed.
            with contextlib.suppress(AssertionError):
                wait_for(
                    lambda records=records: all(_finished(r) for r in records),
                    timeout=20,
                    what="redelivery",
                )
            by_redelivery += sum(1 for r in records if _finished(r))
        else:
            worker.kill_all()
            worker.start()
        deadline = time.monotonic() + PATIENCE
        while not all(_finished(r) for r in records):  # the sweeper, as beat runs it
            assert time.monotonic() < deadline, f"round {number}: imports not finished"
            sweeper()
            time.sleep(0.5)
        for trial, record in zip(trials, records, strict=True):
            assert record.statut == ImportStructures.Statut.TERMINE, record.message
            lost, duplicated = _count_once(slugs[trial])
            created = record.structures_creees
            assert len(set(created)) == len(created) == ROWS_PER_IMPORT
            counts[kind]["attempted"] += ROWS_PER_IMPORT
            counts[kind]["lost"] += lost
            counts[kind]["duplicated"] += duplicated
            counts[kind]["trials"] += 1
    for kind, row in counts.items():
        RESULTS[kind] = {
            **row,
            "detail": f" — {row['trials']} trials × {ROWS_PER_IMPORT} rows "
            f"({IN_FLIGHT} imports in flight per kill), {row['mid_import']} killed mid-import"
            + (f", {by_redelivery} resumed by redelivery" if kind == "pool_kill" else ""),
        }
    for row in counts.values():
        assert row["lost"] == 0 and row["duplicated"] == 0


# --- 2. the broker is down while requests enqueue work ---------------------------------------


def test_broker_outage_every_job_done_exactly_once(
    committed, worker, redis_server, sweeper, settings
):
    # Beat's sweeper publishes the jobs whose publication failed; a job published since
    # is not published again while it waits behind the others (production: 15 min).
    settings.JOB_REQUEUE_AFTER_SECONDS = 2 * PATIENCE
    if isinstance(redis_server, str):
        pytest.skip("Broker outage needs a Redis the tests start and stop (redis-server).")
    client = Client()
    client.force_login(committed["user"], backend="django.contrib.auth.backends.ModelBackend")
    redis_server.stop()
    client.get("/reseau/structures/import/")  # the URLconf and templates loaded once
    statuses = []
    slugs = []
    latencies = []
    try:
        for number in range(REQUESTS):
            slug = f"{SLUG_PREFIX}panne-{number}"
            slugs.append(slug)
            upload = SimpleUploadedFile("s.csv", _csv([f"Faute panne {number}"]))
            started = time.monotonic()
            response = client.post("/reseau/structures/import/", {"fichier": upload})
            latencies.append(time.monotonic() - started)
            statuses.append(response.status_code)
    finally:
        redis_server.start()
    recovery_started = time.monotonic()
    waiting = Job.objects.filter(
        key__startswith=structure_import.JOB_KIND, etat=Job.Etat.EN_ATTENTE, publications=0
    ).count()
    deadline = time.monotonic() + 2 * PATIENCE
    records = ImportStructures.objects.filter(auteur=committed["user"], fichier_nom="s.csv")
    while records.exclude(statut=ImportStructures.Statut.TERMINE).exists():
        assert time.monotonic() < deadline, "jobs not done after the broker came back"
        sweeper()
        time.sleep(0.5)
    lost, duplicated = _count_once(slugs)
    RESULTS["broker_outage"] = {
        "attempted": REQUESTS,
        "lost": lost,
        "duplicated": duplicated,
        "detail": f" — {statuses.count(302)}/{REQUESTS} requests answered 302 "
        f"({_latency(latencies)}), {waiting} jobs waited en_attente, all done "
        f"{time.monotonic() - recovery_started:.0f} s after Redis came back",
    }
    assert statuses == [302] * REQUESTS
    assert waiting == REQUESTS
    assert records.count() == REQUESTS and (lost, duplicated) == (0, 0)


# --- 3. the broker is down when a large XLSX export is requested ---------------------------

EXPORT_REFERENTIEL = "fautes-export"


def _remove_the_export_fixture() -> None:
    from accompagnement.diagnostics.models import Autodiagnostic
    from referentiels.models import Referentiel, ReferentielVersion

    versions = ReferentielVersion.objects.filter(referentiel__code=EXPORT_REFERENTIEL)
    if not versions.exists():
        return
    alpha = Structure.objects.get(slug=STRUCTURE_SLUG)
    with schema_context(alpha.schema_name):
        for autodiagnostic in Autodiagnostic.objects.filter(version__in=list(versions)):
            for export in autodiagnostic.exports.all():
                if export.fichier:
                    export.fichier.storage.delete(export.fichier.name)
                Job.objects.filter(
                    key=f"{diagnostic_tasks.JOB_KIND}:{alpha.schema_name}:{export.pk}"
                ).delete()
            autodiagnostic.delete()
        # The frame's scale values are referenced from the structures' answers: collect
        # from a schema that has those tables, public behind it.
        versions.delete()
        Referentiel.objects.filter(code=EXPORT_REFERENTIEL).delete()


@pytest.fixture(scope="module")
def large_self_diagnosis(committed, django_db_blocker):
    """Committed in alpha's schema: a self-diagnosis with more answers than an export
    builds inline (``exports.INLINE_LIMIT``), so its XLSX is a background job."""
    from accompagnement.diagnostics.models import Autodiagnostic, Reponse
    from referentiels.models import Critere
    from tests.factories import build_frame, new_referentiel

    with django_db_blocker.unblock():
        _remove_the_export_fixture()
        per_theme = exports.INLINE_LIMIT // 4 + 1  # 4 themes: INLINE_LIMIT + 4 criteria
        frame = build_frame([(per_theme, 0)] * 4, referentiel=new_referentiel(EXPORT_REFERENTIEL))
        alpha = Structure.objects.get(slug=STRUCTURE_SLUG)
        with schema_context(alpha.schema_name):
            autodiagnostic = Autodiagnostic.objects.create(version=frame.version, annee=2001)
            Reponse.objects.bulk_create(
                Reponse(autodiagnostic=autodiagnostic, critere=critere, valeur=frame.valeurs["C"])
                for critere in Critere.objects.filter(version=frame.version)
            )
            assert autodiagnostic.reponses.count() > exports.INLINE_LIMIT
        yield autodiagnostic
        _remove_the_export_fixture()


def test_broker_outage_large_xlsx_export_produced_once_after_it_returns(
    committed, worker, redis_server, sweeper, large_self_diagnosis
):
    from accompagnement.diagnostics.models import ExportAutodiagnostic

    if isinstance(redis_server, str):
        pytest.skip("Broker outage needs a Redis the tests start and stop (redis-server).")
    autodiagnostic = large_self_diagnosis
    client = Client()
    client.force_login(committed["user"], backend="django.contrib.auth.backends.ModelBackend")
    url = f"/s/{STRUCTURE_SLUG}/autodiagnostics/{autodiagnostic.pk}/export/xlsx/"
    redis_server.stop()
    try:
        started = time.monotonic()
        response = client.post(url)
        latency = time.monotonic() - started
        again = client.post(url)  # asked twice while the broker is down: the same export
    finally:
        redis_server.start()
    alpha = Structure.objects.get(slug=STRUCTURE_SLUG)
    with schema_context(alpha.schema_name):
        exports_asked = list(ExportAutodiagnostic.objects.filter(autodiagnostic=autodiagnostic))
    assert [e.etat for e in exports_asked] == [ExportAutodiagnostic.Etat.EN_ATTENTE]
    export = exports_asked[0]
    job = Job.objects.get(key=f"{diagnostic_tasks.JOB_KIND}:{alpha.schema_name}:{export.pk}")
    waited = (job.etat, job.publications) == (Job.Etat.EN_ATTENTE, 0)
    deadline = time.monotonic() + PATIENCE
    while not Job.objects.filter(pk=job.pk, etat=Job.Etat.FAIT).exists():
        assert time.monotonic() < deadline, "export not produced after the broker came back"
        sweeper()
        time.sleep(0.5)
    time.sleep(1)  # a second build would show now
    job.refresh_from_db()
    with schema_context(alpha.schema_name):
        export.refresh_from_db()
        storage = export.fichier.storage
        made = storage.listdir("exports")[1] if storage.exists("exports") else []
        builds = [
            name
            for name in made
            if name.startswith(f"autodiagnostic-{autodiagnostic.annee}-{export.pk}")
        ]
        rows = 0
        if export.etat == ExportAutodiagnostic.Etat.PRET:
            with export.fichier.open("rb") as handle:
                rows = load_workbook(io.BytesIO(handle.read()), read_only=True).active.max_row
    finishes = job.transitions.filter(to_statut=Job.Etat.FAIT).count()
    RESULTS["export_outage"] = {
        "attempted": 1,
        "lost": 0 if export.etat == ExportAutodiagnostic.Etat.PRET else 1,
        "duplicated": max(0, len(builds) - 1) + max(0, finishes - 1),
        "detail": f" — requests answered {response.status_code} and {again.status_code} "
        f"({latency:.2f} s), job waited en_attente: {'yes' if waited else 'no'}, "
        f"{len(builds)} file of {rows - 1} criteria, {job.attempts} attempt",
    }
    assert response.status_code == again.status_code == 302 and waited
    assert export.etat == ExportAutodiagnostic.Etat.PRET and len(builds) == 1
    assert rows - 1 == autodiagnostic.reponses.count()
    assert job.attempts == 1 and finishes == 1


# --- 4. the worker dies after the SMTP server accepted a message -----------------------------


def test_smtp_accepted_then_worker_killed_one_duplicate_same_message_id(
    committed, worker, smtp_sink
):
    from core import outbox
    from core.tasks import deliver_pending_outbox

    def kill_once_accepted() -> None:
        # Accepted (250 sent after DATA); the worker now dies before recording it.
        if smtp_sink.ids_of(SMTP_SUBJECT):
            smtp_sink.on_quit = None
            worker.kill_all()

    smtp_sink.on_quit = kill_once_accepted
    try:
        message = outbox.enqueue_email(
            key="fautes:smtp", to=["dest@fautes.example"], subject=SMTP_SUBJECT, body="Corps"
        )  # autocommit: published at once
        wait_for(lambda: smtp_sink.on_quit is None, timeout=PATIENCE, what="the acceptance")
        wait_for(lambda: worker.process is None, timeout=30, what="the kill")
        message.refresh_from_db()
        unsent_after_kill = message.sent_at is None
        worker.start()
        deliver_pending_outbox.delay()  # what beat does every minute
        wait_for(
            lambda: OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=False).exists(),
            timeout=PATIENCE,
            what="the resend",
        )
        time.sleep(1)  # a third copy would arrive now
    finally:
        smtp_sink.on_quit = None
    message.refresh_from_db()
    received = smtp_sink.ids_of(SMTP_SUBJECT)
    RESULTS["smtp_kill"] = {
        "attempted": 1,
        "lost": 0 if received else 1,
        "duplicated": len(received) - 1,
        "detail": f" — {len(received)} copies received, {len(set(received))} distinct Message-ID",
    }
    assert unsent_after_kill  # the documented window: accepted, not yet recorded
    assert received == [message.message_id, message.message_id]  # one duplicate, same id
    assert message.sent_at is not None


# --- 5. PostgreSQL restarts ---------------------------------------------------------------------


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own (pgserver's binaries), never the shared one."""

    def __init__(self):
        from platform import devdb

        self.devdb = devdb
        self.bin = devdb._bin_dir()
        base = devdb.ROOT_BASE if devdb._running_as_root() else Path(tempfile.gettempdir())
        base.mkdir(parents=True, exist_ok=True)
        self.data = Path(tempfile.mkdtemp(prefix="qr-faults-pg-", dir=base))
        if devdb._running_as_root():
            entry = pwd.getpwnam("nobody")
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
        os.chmod(self.data, 0o700)

    def ctl(self, *args: str) -> None:
        self.devdb._run([str(self.bin / "pg_ctl"), "-D", str(self.data), *args])

    def start(self) -> None:
        self.ctl(
            "-w",
            "-t",
            "60",
            "-l",
            str(self.data / "server.log"),
            "-o",
            f"-c listen_addresses='' -k {self.data} -c fsync=off",
            "start",
        )

    def setup(self) -> None:
        self.devdb._run(
            [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"]
        )
        self.start()

    def restart(self) -> None:
        # Stop then start (not `pg_ctl restart`, whose new server would inherit our pipes).
        self.ctl("-m", "fast", "-w", "-t", "60", "stop")
        self.start()

    def cleanup(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.ctl("-m", "immediate", "-w", "stop")
        shutil.rmtree(self.data, ignore_errors=True)


def test_postgresql_restart_costs_no_request(tmp_path):
    server = ThrowawayPostgres()
    web = None
    try:
        server.setup()
        port = free_port()
        url = database_url(
            {"NAME": "postgres", "USER": "postgres", "HOST": str(server.data), "PORT": ""}
        )
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_", "CELERY_", "TEST_DATABASE"))
        }
        env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="platform.settings")
        log = tmp_path / "gunicorn.log"
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "platform.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def get() -> int:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as r:
                    return r.status
            except urllib.error.HTTPError as error:
                return error.code
            except OSError:
                return 0

        wait_for(lambda: get() == 200, timeout=PATIENCE, interval=0.3, what="gunicorn")
        before = [get() for _ in range(4)]  # the worker keeps its connection (CONN_MAX_AGE)
        server.restart()
        after = [get() for _ in range(16)]
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=20)
        server.cleanup()
    failed = sum(1 for status in after if status != 200)
    RESULTS["pg_restart"] = {
        "attempted": f"{len(after)} requests",
        "lost": f"{failed} failed",
        "duplicated": "—",
        "detail": " (own throwaway cluster, /healthz runs SELECT 1)",
    }
    assert before == [200] * 4
    assert after == [200] * 16, after
