"""Demo data of reporting: an open network-wide campaign "S2 2016" (idempotent)."""

from __future__ import annotations

import datetime

from accompagnement.reporting.models import Campagne


def load_demo(network) -> None:
    admin = next((user for user in network.users.values() if user.is_federation_admin), None)
    Campagne.objects.get_or_create(
        annee=2016, semestre=2, territoire=None,
        defaults={"libelle": "S2 2016", "echeance": datetime.date(2017, 1, 10), "ouverte_par": admin},
    )
