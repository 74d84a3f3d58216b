"""``manage.py export_structure <slug> [--output FILE]``: all data of one structure, as a zip."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tenants.models import Structure
from tenants.operations.export import export_structure


class Command(BaseCommand):
    help = "Exporte toutes les données d'une structure (JSON par table et fichiers) dans un zip."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", type=Path)

    def handle(self, *args, slug: str, output: Path | None, **options):
        structure = Structure.objects.exclude(schema_name="public").filter(slug=slug).first()
        if structure is None:
            raise CommandError(f"Structure inconnue : {slug}")
        output = output or Path("var/exports") / f"{slug}-{timezone.now():%Y%m%dT%H%M%S}.zip"
        self.stdout.write(str(export_structure(structure=structure, destination=output)))
