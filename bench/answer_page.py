"""Benchmark: CPU and weight of the référent's answer page on the demo network (issue 18:
≤ 25 ms of CPU per request at demo scale).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qr_bench_answer \
        .venv/bin/python bench/answer_page.py [--runs 20]

Set-up: the database's public schema is migrated and the demo network loaded when
missing (``load_demo``, about two minutes the first time; kept between runs). Measured
through Django's test client (every middleware, the view, the selectors, the rendering;
no network), logged in as referent@demo.test, on the draft self-diagnosis of « Aide à
domicile de Lille » (49 criteria, all answered): after one warm-up request, ``--runs``
GETs of the page, then ``--runs`` autosaves (htmx POST of one criterion's comment, as
the page sends while typing), the fragment the page loads when a criterion's details
open, and for reference that fragment as a page of its own (the shared layout around
almost nothing: the least any page of the structure costs). Prints for
each: the median and p95 of ``time.process_time()`` around the request (CPU of this
process: Django's share, not PostgreSQL's), the response size and the SQL queries.
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
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qr_bench_answer")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
os.environ.setdefault("AXES_ENABLED", "false")

from _database import prepare_database  # noqa: E402 — bench/ is on sys.path when a script runs

REFERENT = "referent@demo.test"


def demo_world():
    """The demo référent, their structure and its draft self-diagnosis (demo loaded once)."""
    from django.core.management import call_command
    from django.db import connection

    from accompagnement.diagnostics.models import Autodiagnostic
    from tenants.models import Membership

    membership = Membership.objects.filter(user__email=REFERENT).select_related("user").first()
    if membership is None:
        call_command("load_demo", verbosity=0)
        membership = Membership.objects.select_related("user").get(user__email=REFERENT)
    structure = membership.structure
    connection.set_tenant(structure)
    autodiagnostic = Autodiagnostic.objects.get(statut=Autodiagnostic.Statut.BROUILLON)
    reponse = autodiagnostic.reponses.order_by("critere__ordre").first()
    connection.set_schema_to_public()
    return membership.user, structure, autodiagnostic, reponse


def measure(send, runs: int) -> dict:
    """CPU (median, p95) of ``send()``, the size of its last response and its queries."""
    from django.db import connection

    response = send()
    assert response.status_code == 200, response.status_code
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        send()
    cpu = []
    for _ in range(runs):
        started = time.process_time()
        response = send()
        cpu.append((time.process_time() - started) * 1000)
        assert response.status_code == 200
    cpu.sort()
    return {
        "cpu_p50": statistics.median(cpu),
        "cpu_p95": cpu[max(0, round(0.95 * len(cpu)) - 1)],
        "bytes": len(response.content),
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    prepare_database()
    user, structure, autodiagnostic, reponse = demo_world()
    from django.db import connection
    from django.test import Client

    from accompagnement.diagnostics.models import Reponse

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/s/{structure.slug}/autodiagnostics/{autodiagnostic.pk}/"
    results = {"GET answer page": measure(lambda: client.get(url), args.runs)}

    def autosave():
        connection.set_tenant(structure)
        revision = Reponse.objects.get(pk=reponse.pk).revision
        connection.set_schema_to_public()
        return client.post(
            f"{url}reponses/{reponse.pk}/",
            {
                "valeur": reponse.valeur.code if reponse.valeur else "",
                "commentaire": f"bench {revision}",
                "revision": revision,
            },
            HTTP_HX_REQUEST="true",
        )

    results["POST autosave (htmx)"] = measure(autosave, args.runs)
    details = f"{url}reponses/{reponse.pk}/details/"
    if client.get(details, HTTP_HX_REQUEST="true").status_code == 200:
        results["GET criterion details (htmx)"] = measure(
            lambda: client.get(details, HTTP_HX_REQUEST="true"), args.runs
        )
        # The same details as a page of their own: the shared layout (session, menus, roles)
        # around almost nothing, i.e. what any page of the structure costs at the least.
        results["reference: layout around one criterion"] = measure(
            lambda: client.get(details), args.runs
        )
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {args.runs} runs each"
    )
    for label, figures in results.items():
        print(
            f"{label}: CPU p50 {figures['cpu_p50']:.1f} ms, p95 {figures['cpu_p95']:.1f} ms; "
            f"{figures['bytes'] / 1000:.1f} kB; {figures['queries']} SQL queries"
        )


if __name__ == "__main__":
    main()
