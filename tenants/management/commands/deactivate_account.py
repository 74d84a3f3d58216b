from django.core.management.base import BaseCommand, CommandError

from tenants import accounts
from tenants.models import User


class Command(BaseCommand):
    help = "Désactive le compte EMAIL (plus de connexion) et révoque tous ses jetons d'API."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email=email.lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun compte actif pour {email}.")
        accounts.deactivate_account(user=user)
        self.stdout.write(f"Compte {user.email} désactivé ; jetons d'API révoqués.")
