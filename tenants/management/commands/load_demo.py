from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants.demo import load_demo

DEMO_ACCOUNTS = [
    ("federation@demo.test", "administration fédération"),
    ("pilote@demo.test", "pilote (UT Nord, UT Occitanie)"),
    ("expert@demo.test", "experte-réseau (Groupe Lille Métropole)"),
    ("directeur@demo.test", "directeur — Aide à domicile de Lille"),
    ("referent@demo.test", "référente technique — Aide à domicile de Lille"),
    ("lecteur@demo.test", "lecteur — Aide à domicile de Lille"),
    (
        "direction.<ville>@demo.test",
        "direction (ville : roubaix, tourcoing, dunkerque, brest, quimper, toulouse)",
    ),
]


class Command(BaseCommand):
    help = "Charge le réseau de démonstration (idempotent ; refusé en production)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Le réseau de démonstration ne se charge pas en production.")
        network = load_demo(verbosity=options["verbosity"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Réseau de démonstration prêt : {len(network.territoires)} territoires, "
                f"{len(network.groupes)} groupes, {len(network.structures)} structures."
            )
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe : {settings.DEMO_PASSWORD!r}) :")
        for email, label in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<28} {label}")
