from django.core.management.base import BaseCommand, CommandError

from core.errors import BusinessError
from tenants import accounts
from tenants.models import User


class Command(BaseCommand):
    help = (
        "Crée un jeton d'API SUPPLÉMENTAIRE pour la personne EMAIL et l'affiche une seule fois "
        "(les autres jetons restent valides)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="Nom du jeton (ex. « script export »).")
        parser.add_argument(
            "--expires",
            type=int,
            default=None,
            metavar="DAYS",
            help="Validité en jours (0 : sans expiration ; défaut : API_TOKEN_DEFAULT_DAYS).",
        )

    def handle(self, *args, email, name, expires, **options):
        user = User.objects.filter(email=email.lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun compte actif pour {email}.")
        try:
            _token, key = accounts.create_api_token(user=user, name=name, expires_days=expires)
        except BusinessError as error:
            raise CommandError(error.message) from error
        self.stdout.write(key)
