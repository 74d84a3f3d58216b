"""``manage.py rebuild_consolidation [--campagne ID …]``: recompute the materialised
consolidation figures (``reporting.AgregatCampagne``) of every campaign, or of the given
ones, from the snapshot store. Needed once after the migration that creates them, and after
writing snapshots outside the submission service (a restore, a bulk load): until then those
scopes are computed live, with the same figures (docs/scaling.md)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from accompagnement.reporting import materialised


class Command(BaseCommand):
    help = (
        "Recalcule les agrégats matérialisés de la consolidation (par campagne et périmètre) "
        "à partir des bilans soumis."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--campagne", type=int, action="append", help="limiter à cette campagne (répétable)"
        )

    def handle(self, *args, campagne: list[int] | None, **options):
        started = time.perf_counter()
        written = materialised.rebuild(campagne)
        self.stdout.write(
            f"{written} périmètre(s) recalculé(s) en {time.perf_counter() - started:.2f} s."
        )
