"""Demo data of the registers (idempotent, pseudonymous references, never names): the
clients of the year under review, a satisfaction survey and complaints (one client complains twice) in every
structure with demo staff, each with its own figures, dated in the semester just ended
(``tenants.demo.calendar``)."""

from __future__ import annotations

import datetime
import random

from django_tenants.utils import schema_context

from accompagnement.registres.models import EnqueteSatisfaction, NombreClients, Reclamation
from tenants.demo import calendar

# (month, day, form, client reference) of the demo structure's complaints
DEMO_COMPLAINTS = [
    (3, 12, "orale", "C-0042"),
    (3, 3, "ecrite", "C-0042"),
    (3, 20, "orale", "C-0107"),
]


def load_demo(network) -> None:
    cal = calendar()
    annee = cal.review_semester[0]
    for structure in network.staffed_structures:
        demo = structure == network.demo_structure
        rng = random.Random(structure.slug)  # the same figures at every load
        clients = 140 if demo else rng.randrange(60, 260, 10)
        survey = (
            (35, 40, 10, 5)
            if demo
            else (rng.randint(15, 45), rng.randint(25, 50), rng.randint(3, 15), rng.randint(0, 8))
        )
        complaints = (
            DEMO_COMPLAINTS
            if demo
            else [
                (
                    month,
                    rng.randint(1, 28),
                    rng.choice(["orale", "ecrite"]),
                    f"C-{rng.randint(1, 40):04}",
                )
                for month in range(3, 3 + rng.randint(1, 6))
            ]
        )
        with schema_context(structure.schema_name):
            NombreClients.objects.get_or_create(annee=annee, defaults={"nombre": clients})
            EnqueteSatisfaction.objects.get_or_create(
                periode=str(annee),
                annee=annee,
                defaults={
                    "repondants": sum(survey),
                    "tres_satisfaits": survey[0],
                    "satisfaits": survey[1],
                    "peu_satisfaits": survey[2],
                    "pas_satisfaits": survey[3],
                },
            )
            for month, day, forme, reference in complaints:
                Reclamation.objects.get_or_create(
                    # months 3-8 of the data land in the six months of the semester
                    date=cal.review_start.replace(month=cal.review_start.month + (month - 3) % 6)
                    + datetime.timedelta(days=day - 1),
                    client_reference=reference,
                    defaults={
                        "forme": forme,
                        "categorie": "planning",
                        "description": "Retard d'intervention (démo)",
                    },
                )
