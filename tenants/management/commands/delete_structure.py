"""``manage.py delete_structure <slug> [--undo]``: soft delete (purged later by purge_structures)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import BusinessError
from tenants.models import Structure
from tenants.operations.deletion import PURGE_DELAY_DAYS, soft_delete_structure, undelete_structure


class Command(BaseCommand):
    help = "Supprime une structure (réversible jusqu'à la purge), ou annule avec --undo."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--undo", action="store_true", help="annule la suppression")

    def handle(self, *args, slug: str, undo: bool, **options):
        structure = Structure.objects.exclude(schema_name="public").filter(slug=slug).first()
        if structure is None:
            raise CommandError(f"Structure inconnue : {slug}")
        try:
            if undo:
                undelete_structure(structure=structure)
                self.stdout.write(f"Structure {slug} rétablie.")
                return
        except BusinessError as error:
            raise CommandError(error.message) from error
        soft_delete_structure(structure=structure)
        self.stdout.write(
            f"Structure {slug} supprimée ; purge possible après {PURGE_DELAY_DAYS} jours."
        )
