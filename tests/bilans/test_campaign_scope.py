"""A campaign concerns the structures engaged in the programme at its opening (recorded
then), not every structure in the database; lateness is judged at submission against the
campaign's due date."""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from accompagnement.bilans import selectors as bilans_selectors
from accompagnement.bilans import services as bilans_services
from accompagnement.reporting import selectors, services
from accompagnement.reporting.models import InstantaneBilan
from tenants.models import Structure


def test_the_engaged_structures_are_recorded_at_the_opening(network):
    today = timezone.localdate()
    Structure.objects.bulk_create(
        [
            Structure(
                nom="Future",
                slug="future",
                schema_name="fake_future",
                territoire=network.territoire,
                date_engagement=today + datetime.timedelta(days=30),
            ),
            Structure(
                nom="Engagee",
                slug="engagee",
                schema_name="fake_engagee",
                territoire=network.territoire,
                date_engagement=today - datetime.timedelta(days=30),
            ),
        ]
    )
    campagne = services.open_campagne(
        user=network.user("pilote"),
        libelle="S1",
        semestre=1,
        annee=2031,
        echeance=today + datetime.timedelta(days=60),
        territoire=network.territoire,
    )
    assert set(campagne.structures_concernees.values_list("slug", flat=True)) == {
        "alpha",
        "engagee",
    }  # not the one engaged later, not the other territory's
    Structure.objects.bulk_create(
        [
            Structure(
                nom="Later", slug="later", schema_name="fake_later", territoire=network.territoire
            )
        ]
    )
    result = selectors.consolidate(
        selectors.Scope(campagne=campagne, territoire=network.territoire)
    )
    assert result["bilans"]["attendus"] == 2
    assert sorted(result["bilans"]["manquants"]) == ["Engagee", "Structure Alpha"]
    later = Structure.objects.get(slug="later")
    assert campagne not in bilans_selectors.campagnes_for_structure(later)
    assert campagne in bilans_selectors.campagnes_for_structure(network.structure)


def test_lateness_is_judged_at_submission_against_the_due_date(network, in_structure):
    today = timezone.localdate()
    campagne = services.open_campagne(
        user=network.user("federation"),
        libelle="S1 passé",
        semestre=1,
        annee=2030,
        echeance=today - datetime.timedelta(days=2),
    )
    referent = network.user("referent")
    bilan = bilans_services.open_bilan(
        structure=network.structure, campagne=campagne, user=referent
    )
    bilans_services.submit_bilan(structure=network.structure, bilan=bilan, user=referent)
    snapshot = InstantaneBilan.objects.get(campagne=campagne, structure=in_structure)
    assert snapshot.en_retard is True
    # The due date is pushed back afterwards: the review stays late (judged at submission).
    type(campagne).objects.filter(pk=campagne.pk).update(
        echeance=today + datetime.timedelta(days=30)
    )
    campagne.refresh_from_db()
    connection.set_schema_to_public()
    result = selectors.consolidate(selectors.Scope(campagne=campagne))
    assert result["bilans"]["soumis_en_retard"] == 1
    assert result["bilans"]["attendus"] == 2  # alpha and beta were engaged at the opening
