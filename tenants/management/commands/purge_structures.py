"""``manage.py purge_structures [--days 30] [--dry-run]``: erase structures soft-deleted long ago."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tenants.operations.deletion import PURGE_DELAY_DAYS, purge_structures, structures_to_purge


class Command(BaseCommand):
    help = "Efface définitivement (schéma, lignes, fichiers) les structures supprimées depuis plus de N jours."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=PURGE_DELAY_DAYS)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days: int, dry_run: bool, **options):
        if dry_run:
            for structure in structures_to_purge(older_than_days=days):
                self.stdout.write(
                    f"{structure.slug} ({structure.schema_name}), supprimée le {structure.deleted_at:%d/%m/%Y}"
                )
            return
        report = purge_structures(older_than_days=days)
        purged = report.purged
        self.stdout.write(f"{len(purged)} structure(s) purgée(s) : {' '.join(purged) or '—'}")
        for schema_name, error in report.failed:
            self.stderr.write(f"échec de la purge de {schema_name} : {error}")
        if report.failed:
            raise CommandError(f"{len(report.failed)} structure(s) non purgée(s).")
