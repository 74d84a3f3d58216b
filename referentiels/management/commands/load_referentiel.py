"""``manage.py load_referentiel PATH [--publish]``: import a frame file as a draft (or
publish it); a version already loaded (same frame code and version number) is left as is."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import BusinessError
from referentiels import services


class Command(BaseCommand):
    help = "Importe un référentiel (YAML, JSON ou XLSX) ; --publish le publie."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--publish", action="store_true", help="Publier la version importée.")

    def handle(self, *args, path, publish, **options):
        try:
            version, created = services.load_sample(path=path, publish=publish)
        except BusinessError as error:
            lines = [error.message] + [f"  - {item['message']}" for item in error.errors]
            raise CommandError("\n".join(lines)) from None
        except OSError as error:
            raise CommandError(str(error)) from None
        state = "importée" if created else "déjà présente"
        self.stdout.write(f"{version} : version {state} ({version.get_statut_display()}).")
