"""``manage.py backup_structure <slug> [--output FILE]``: one archive of one structure (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.errors import BusinessError
from tenants.models import Structure
from tenants.operations.backup import backup_structure


class Command(BaseCommand):
    help = "Sauvegarde une structure (schéma, lignes du schéma public, fichiers) dans une archive .tar.gz."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--output",
            type=Path,
            help="fichier .tar.gz (défaut : var/backups/<slug>-<date>.tar.gz)",
        )

    def handle(self, *args, slug: str, output: Path | None, **options):
        structure = Structure.objects.exclude(schema_name="public").filter(slug=slug).first()
        if structure is None:
            raise CommandError(f"Structure inconnue : {slug}")
        output = output or Path("var/backups") / f"{slug}-{timezone.now():%Y%m%dT%H%M%S}.tar.gz"
        try:
            path = backup_structure(structure=structure, destination=output)
        except BusinessError as error:
            raise CommandError(error.message) from error
        self.stdout.write(str(path))
