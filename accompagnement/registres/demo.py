"""Demo data of the registers in the demo structure (idempotent, pseudonymous references)."""

from __future__ import annotations

import datetime

from django_tenants.utils import schema_context

from accompagnement.registres.models import EnqueteSatisfaction, NombreClients, Reclamation


def load_demo(network) -> None:
    with schema_context(network.demo_structure.schema_name):
        NombreClients.objects.get_or_create(annee=2016, defaults={"nombre": 140})
        EnqueteSatisfaction.objects.get_or_create(
            periode="2016", annee=2016,
            defaults={"repondants": 90, "tres_satisfaits": 35, "satisfaits": 40, "peu_satisfaits": 10,
                      "pas_satisfaits": 5},
        )
        for day, forme, reference in [(12, "orale", "C-0042"), (3, "ecrite", "C-0042"), (20, "orale", "C-0107")]:
            Reclamation.objects.get_or_create(
                date=datetime.date(2016, 3, day), client_reference=reference,
                defaults={"forme": forme, "categorie": "planning", "description": "Retard d'intervention (démo)"},
            )
