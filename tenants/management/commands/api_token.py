from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from tenants.models import User


class Command(BaseCommand):
    help = "Affiche un nouveau jeton d'API pour la personne EMAIL (l'ancien est révoqué)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email=email.lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun compte actif pour {email}.")
        Token.objects.filter(user=user).delete()
        self.stdout.write(Token.objects.create(user=user).key)
