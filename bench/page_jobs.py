"""Benchmark: the durable jobs started from a page (``core.page_jobs``) — what stays in
the request and what moves to the job.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qr_bench_jobs \
        .venv/bin/python bench/page_jobs.py [--rows 2000]

Set-up (kept between runs) on a dedicated database: one provisioned structure
"bench-jobs" with a référent and its expert, a published 49-criteria frame (the module
« Réalisation des prestations ») and a submitted self-diagnosis answered on every
criterion. Each run then, in this one process (the job run in-process, as a worker would):

* register import of ``--rows`` complaints: the request's part (``start_register_import``:
  the file read, its columns checked, the job created) and the job's part (every row
  checked, then saved with the report in one transaction), with their query counts; the
  rows are removed afterwards;
* bulk confirmation of the 49 criteria ("confirmer les critères restants"): the job's
  time and query count; the confirmations are removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qr_bench_jobs")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
# An in-memory broker nobody consumes: the request's part publishes without running the
# job (no eager run inside the commit); the job is then run here, as a worker would.
os.environ["CELERY_BROKER_URL"] = "memory://"

from _database import prepare_database  # noqa: E402 — bench/ is on sys.path when a script runs

SLUG = "bench-jobs"
REFERENTIEL_CODE = "bench-jobs-module"


def build_world():
    from django.db import connection

    from accompagnement.diagnostics import services
    from accompagnement.diagnostics.models import Autodiagnostic
    from referentiels.models import Referentiel, ReferentielVersion
    from tenants import services as tenant_services
    from tenants.models import GroupeTravail, Membership, Structure, Territoire, User
    from tests.factories import MODULE_49, build_frame

    structure = Structure.objects.filter(slug=SLUG).first() or tenant_services.create_structure(
        nom="Bench travaux", slug=SLUG, type=Structure.Type.SAAD
    )
    referent, _ = User.objects.get_or_create(email="referent@bench-jobs.test")
    expert, _ = User.objects.get_or_create(email="expert@bench-jobs.test")
    Membership.objects.get_or_create(user=referent, structure=structure, role="referent")
    territoire, _ = Territoire.objects.get_or_create(code="ut-bench-jobs", defaults={"nom": "UT"})
    groupe, _ = GroupeTravail.objects.get_or_create(territoire=territoire, nom="Groupe bench jobs")
    groupe.experts.add(expert)
    structure.groupes.add(groupe)
    referentiel = Referentiel.objects.filter(code=REFERENTIEL_CODE).first()
    if referentiel is None:
        referentiel = Referentiel.objects.create(code=REFERENTIEL_CODE, titre="Module bench")
        build_frame(MODULE_49, referentiel=referentiel)
    version = ReferentielVersion.objects.get(referentiel=referentiel)
    connection.set_tenant(structure)
    autodiagnostic = Autodiagnostic.objects.filter(version=version).first()
    if autodiagnostic is None:
        autodiagnostic = services.create_autodiagnostic(
            structure=structure, version=version, annee=2016, user=referent, copy_previous=False
        )
    if autodiagnostic.statut == Autodiagnostic.Statut.BROUILLON:
        for reponse in autodiagnostic.reponses.filter(valeur__isnull=True):
            services.save_answer(
                structure=structure,
                reponse=reponse,
                valeur="C",
                commentaire="",
                expected_revision=reponse.revision,
                user=referent,
            )
        services.submit_autodiagnostic(
            structure=structure, autodiagnostic=autodiagnostic, user=referent
        )
    autodiagnostic.refresh_from_db()
    connection.set_schema_to_public()
    return structure, referent, expert, autodiagnostic


def timed(function):
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    started, started_cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        result = function()
    cpu = (time.process_time() - started_cpu) * 1000
    return (
        result,
        f"{(time.perf_counter() - started) * 1000:.0f} ms (CPU {cpu:.0f} ms)",
        len(queries),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    prepare_database()

    from django.db import connection, transaction
    from openpyxl import Workbook

    from accompagnement.diagnostics import confirmation_jobs
    from accompagnement.diagnostics.models import Confirmation
    from accompagnement.registres import services
    from accompagnement.registres.models import Reclamation
    from accompagnement.registres.registry import REGISTRES
    from core import jobs
    from core.models import Job
    from core.xlsx import to_bytes

    structure, referent, expert, autodiagnostic = build_world()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Date",
            "Forme",
            "Référence client",
            "Catégorie",
            "Description",
            "Traitement",
            "Date de réponse",
            "Clôturée",
        ]
    )
    for index in range(args.rows):
        sheet.append(["2024-01-05", "Orale", f"C-{index + 1}", "Autre", "retard", "", None, "non"])
    content = to_bytes(workbook)

    connection.set_tenant(structure)
    with transaction.atomic():
        job, request_ms, request_queries = timed(
            lambda: services.start_register_import(
                structure=structure,
                registre=REGISTRES["reclamations"],
                name="bench.xlsx",
                content=content,
                user=referent,
            )
        )
    done, job_ms, job_queries = timed(lambda: jobs.run(job.pk, services.run_register_import_job))
    assert done.etat == Job.Etat.FAIT, done.errors
    print(f"register import, {args.rows} rows ({len(content) // 1024} KiB):")
    print(f"  request (file read + job created): {request_ms}, {request_queries} queries")
    print(f"  job (rows checked, saved + report, one transaction): {job_ms}, {job_queries} queries")
    Reclamation.objects.all().delete()

    Confirmation.objects.all().delete()
    with transaction.atomic():
        job, request_ms, request_queries = timed(
            lambda: confirmation_jobs.start_confirm_remaining(
                structure=structure, autodiagnostic=autodiagnostic, expert=expert
            )
        )
    done, job_ms, job_queries = timed(
        lambda: jobs.run(job.pk, confirmation_jobs.run_confirm_remaining_job)
    )
    assert done.etat == Job.Etat.FAIT, done.errors
    n = done.result["criteres"]
    print(f"bulk confirmation, {n} criteria:")
    print(f"  request (check + job created): {request_ms}, {request_queries} queries")
    print(
        f"  job (confirmations + report): {job_ms}, {job_queries} queries "
        f"({job_queries / max(n, 1):.1f} per criterion)"
    )
    Confirmation.objects.all().delete()
    connection.set_schema_to_public()
    Job.objects.filter(kind__in=[services.IMPORT_JOB, confirmation_jobs.CONFIRM_JOB]).delete()


if __name__ == "__main__":
    main()
