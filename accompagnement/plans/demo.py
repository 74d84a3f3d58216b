"""Demo action plan of the demo structure (idempotent): a quality policy with 4 axes and
a handful of actions (one late, one done)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tenants.utils import schema_context

from accompagnement.plans import services
from accompagnement.plans.models import Action, AxePolitique
from tenants.demo import calendar

AXES = [
    {"titre": "Placer la personne accompagnée au cœur de nos prestations"},
    {"titre": "Formaliser nos engagements (devis, contrat, DIPC)"},
    {"titre": "Maîtriser les risques et la continuité du service"},
    {"titre": "Faire vivre la démarche qualité avec les équipes"},
]


def load_demo(network) -> None:
    structure = network.demo_structure
    directeur = network.users.get("directeur@demo.test")
    referent = network.users.get("referent@demo.test")
    with schema_context(structure.schema_name):
        if AxePolitique.objects.exists() or directeur is None:
            return
        politique = services.save_politique(
            structure=structure,
            user=directeur,
            titre=f"Politique qualité {calendar().last_year}-{calendar().year}",
            axes=AXES,
        )
        axes = {a.numero: a for a in politique.axes.all()}
        today = timezone.localdate()
        rows = [
            ("Mettre à jour le livret d'accueil", 1, "structurelle", -20, Action.Statut.EN_COURS),
            ("Rédiger un modèle de devis", 2, "technique", 30, Action.Statut.A_FAIRE),
            ("Formaliser la procédure d'astreinte", 3, "structurelle", 60, Action.Statut.A_FAIRE),
            (
                "Réunion d'équipe sur les événements indésirables",
                4,
                "culturelle",
                -40,
                Action.Statut.FAIT,
            ),
        ]
        for titre, axe, dimension, days, statut in rows:
            services.create_action(
                structure=structure,
                user=directeur,
                titre=titre,
                axe=axes[axe],
                dimension=dimension,
                echeance=today + datetime.timedelta(days=days),
                responsable=referent,
                statut=statut,
                origine=Action.Origine.AUTODIAGNOSTIC if axe == 2 else Action.Origine.AUTRE,
            )
