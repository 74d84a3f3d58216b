"""``manage.py check_integrity``: dangling references from the structures' schemas to the
public schema (people, structures, frames, criteria, campaigns). Exit code 1 when one is
found. Run daily by Celery beat (``tenants.tasks.check_integrity_task``); see
docs/scaling.md."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from tenants.operations import integrity


class Command(BaseCommand):
    help = (
        "Signale les références des schémas de structures vers le schéma public qui ne "
        "pointent vers aucune ligne (une requête par lot de schémas)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", action="append", help="limiter à ce schéma (répétable)")

    def handle(self, *args, schema: list[str] | None, **options):
        started = time.perf_counter()
        schemas = schema or integrity.structure_schemas()
        references = integrity.cross_schema_references()
        dangling = integrity.find_dangling_references(schemas)
        for item in dangling:
            samples = ", ".join(str(value) for value in item.samples)
            self.stdout.write(
                f"{item.schema_name} : {item.reference.label} — {item.count} référence(s) "
                f"sans cible (ex. {samples})"
            )
        self.stdout.write(
            f"{len(schemas)} schéma(s), {len(references)} référence(s) inter-schémas vérifiées "
            f"en {time.perf_counter() - started:.2f} s."
        )
        if dangling:
            raise CommandError(
                f"{sum(item.count for item in dangling)} référence(s) pendante(s).", returncode=1
            )
