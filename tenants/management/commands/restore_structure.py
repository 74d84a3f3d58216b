"""``manage.py restore_structure <archive>``: restore one structure from its archive (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import BusinessError
from tenants.operations.backup import restore_structure


class Command(BaseCommand):
    help = "Restaure une structure depuis une archive de backup_structure."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        try:
            structure = restore_structure(archive=archive)
        except BusinessError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Structure restaurée : {structure.slug} ({structure.schema_name})")
