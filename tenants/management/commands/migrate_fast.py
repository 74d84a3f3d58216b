"""``manage.py migrate_fast``: migrate only the structures' schemas that are behind, in parallel.

Run ``migrate_schemas --shared`` first (the public schema), then this. Exit code 1 when a
schema fails; the schemas done and not done are listed. See docs/operations.md.
"""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand, CommandError

from tenants.operations import schema_migrations
from tenants.operations.oplog import log_operation


class Command(BaseCommand):
    help = "Migre en parallèle les seuls schémas de structures en retard (une requête pour les trouver)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="processus en parallèle (défaut : min(4, CPU))",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="liste les schémas en retard sans migrer (code 1 s'il y en a)",
        )

    def handle(self, *args, workers: int, check: bool, verbosity: int, **options):
        started = time.perf_counter()
        behind = schema_migrations.schemas_behind()
        self.stdout.write(
            f"{len(behind)} schéma(s) en retard ({time.perf_counter() - started:.2f} s)."
        )
        if check:
            for schema in behind:
                self.stdout.write(f"  {schema}")
            if behind:
                raise CommandError("Des schémas sont en retard.", returncode=1)
            return
        if not behind:
            return

        def show(result, finished, total):
            status = "ok" if result.ok else self.style.ERROR("ÉCHEC")
            if verbosity >= 1 or not result.ok:
                self.stdout.write(
                    f"[{finished}/{total}] {result.schema_name} {status} ({result.seconds:.1f} s)"
                )
            if not result.ok:
                self.stderr.write(result.error)

        report = schema_migrations.migrate_schemas_in_parallel(
            behind, workers=workers, on_result=show
        )
        elapsed = time.perf_counter() - started
        log_operation(
            "migrate_fast",
            outcome="ok" if report.ok else "error",
            behind=len(behind),
            done=len(report.done),
            failed=[r.schema_name for r in report.failed],
            not_done=len(report.not_done),
            seconds=round(elapsed, 2),
        )
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(f"{len(report.done)} schéma(s) migré(s) en {elapsed:.1f} s.")
            )
            return
        self.stdout.write(f"Migrés ({len(report.done)}) : {' '.join(report.done) or '—'}")
        self.stdout.write(
            f"En échec ({len(report.failed)}) : {' '.join(r.schema_name for r in report.failed)}"
        )
        self.stdout.write(
            f"Non migrés ({len(report.not_done)}) : {' '.join(report.not_done) or '—'}"
        )
        raise CommandError("Migration arrêtée au premier échec.", returncode=1)
