"""Benchmark: server time of the self-diagnosis answer page and scores endpoint on the
49-criteria module (target: p95 < 150 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qr_bench_diag \
        .venv/bin/python bench/autodiagnostic.py [--runs 100]

Set-up (kept between runs) on a dedicated database of the system PostgreSQL: one
provisioned structure "bench-diag" with a référent, a published 49-criteria frame (the
shape of the module « Réalisation des prestations »: 6 themes × 2 levels) and a 2016
self-diagnosis answered on every criterion, submitted and half confirmed by an expert.

Measured through Django's test client (every middleware, the view or viewset, the
selectors, template or JSON rendering; no network): ``GET /s/bench-diag/autodiagnostics/<id>/``
(session) and ``GET /s/bench-diag/api/v1/autodiagnostics/<id>/scores/`` (token), after
one warm-up request, ``--runs`` times each; prints p50, p95 and the query count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qr_bench_diag")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
os.environ.setdefault("AXES_ENABLED", "false")

from _database import prepare_database  # noqa: E402 — bench/ is on sys.path when a script runs

SLUG = "bench-diag"
REFERENTIEL_CODE = "bench-diag-module"


def build_world():
    """The structure, its people, the frame and an answered self-diagnosis (idempotent)."""
    from django.db import connection

    from accompagnement.diagnostics import services
    from accompagnement.diagnostics.models import Autodiagnostic
    from referentiels.models import Referentiel, ReferentielVersion
    from tenants import services as tenant_services
    from tenants.models import GroupeTravail, Membership, Structure, Territoire, User
    from tests.diagnostics.factories import MODULE_49, build_frame

    structure = Structure.objects.filter(slug=SLUG).first() or tenant_services.create_structure(
        nom="Bench autodiagnostic", slug=SLUG, type=Structure.Type.SAAD
    )
    referent, _ = User.objects.get_or_create(
        email="referent@bench-diag.test", defaults={"first_name": "Réf"}
    )
    expert, _ = User.objects.get_or_create(
        email="expert@bench-diag.test", defaults={"first_name": "Expert"}
    )
    Membership.objects.get_or_create(
        user=referent, structure=structure, defaults={"role": "referent"}
    )
    territoire, _ = Territoire.objects.get_or_create(
        code="ut-bench-diag", defaults={"nom": "UT bench"}
    )
    groupe, _ = GroupeTravail.objects.get_or_create(territoire=territoire, nom="Groupe bench diag")
    groupe.experts.add(expert)
    structure.groupes.add(groupe)
    referentiel = Referentiel.objects.filter(code=REFERENTIEL_CODE).first()
    if referentiel is None:
        referentiel = Referentiel.objects.create(
            code=REFERENTIEL_CODE, titre="Module bench (49 critères)"
        )
        build_frame(MODULE_49, referentiel=referentiel)
    version = ReferentielVersion.objects.get(referentiel=referentiel)
    connection.set_tenant(structure)
    autodiagnostic = Autodiagnostic.objects.filter(version=version).first()
    if autodiagnostic is None:
        autodiagnostic = services.create_autodiagnostic(
            structure=structure, version=version, annee=2016, user=referent, copy_previous=False
        )
        codes = ["C", "C", "PC", "NC", "C", "NA"]
        reponses = list(autodiagnostic.reponses.order_by("critere__ordre"))
        for index, reponse in enumerate(reponses):
            code = codes[index % len(codes)]
            services.save_answer(
                structure=structure,
                reponse=reponse,
                valeur=code,
                commentaire="bench" if code == "NC" else "",
                expected_revision=reponse.revision,
                user=referent,
            )
        services.submit_autodiagnostic(
            structure=structure, autodiagnostic=autodiagnostic, user=referent
        )
        for reponse in reponses[: len(reponses) // 2]:
            services.confirm_criterion(
                structure=structure,
                reponse=reponse,
                expert=expert,
                valeur="PC",
                commentaire="bench",
            )
    connection.set_schema_to_public()
    return structure, referent, autodiagnostic


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    timings.sort()
    cpu.sort()
    return {
        "p50": statistics.median(timings),
        "p95": timings[max(0, round(0.95 * len(timings)) - 1)],
        "cpu_p50": statistics.median(cpu),
        "cpu_p95": cpu[max(0, round(0.95 * len(cpu)) - 1)],
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    prepare_database()
    structure, referent, autodiagnostic = build_world()
    from django.test import Client
    from rest_framework.test import APIClient

    from tenants import accounts

    page_client = Client()
    page_client.force_login(referent, backend="django.contrib.auth.backends.ModelBackend")
    api_client = APIClient()
    _token, key = accounts.create_api_token(user=referent, name="bench")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    base = f"/s/{structure.slug}"
    page = measure(page_client, f"{base}/autodiagnostics/{autodiagnostic.pk}/", args.runs)
    scores = measure(
        api_client, f"{base}/api/v1/autodiagnostics/{autodiagnostic.pk}/scores/", args.runs
    )
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(page_client.get, f"{base}/autodiagnostics/{autodiagnostic.pk}/")
        pstats.Stats(profiler).sort_stats(
            os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        ).print_stats(25)
    print(f"machine load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for label, figures in (("answer page (49 criteria)", page), ("scores endpoint (API)", scores)):
        print(
            f"{label}: wall p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms; CPU of the Django "
            f"process p50 {figures['cpu_p50']:.1f} ms, p95 {figures['cpu_p95']:.1f} ms over {args.runs} "
            f"requests; {figures['queries']} SQL queries"
        )


if __name__ == "__main__":
    main()
