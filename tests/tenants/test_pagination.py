"""Lists that grow with the network or with time come in pages, keep their filters from
page to page, and cost the same number of queries whatever the list's length."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accompagnement.reporting.models import Campagne
from tenants.models import Invitation, Structure

STRUCTURES = "/reseau/structures/"


def _structures(territoire, count: int, prefix: str = "Liste") -> None:
    """Rows only (the list never opens a structure's schema)."""
    Structure.objects.bulk_create(
        Structure(
            nom=f"{prefix} {i:03d}",
            slug=f"{prefix.lower()}-{i}",
            schema_name=f"s_{prefix.lower()}_{i}",
            type=Structure.Type.SAAD if i % 2 else Structure.Type.SSIAD,
            territoire=territoire,
            ville="Roubaix" if i == 7 else "Lille",
        )
        for i in range(count)
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_structures_come_in_pages_with_their_filters(network, client_for):
    _structures(network.territoire, 60)
    client = client_for(network.user("federation"))
    first = client.get(STRUCTURES).content.decode()
    assert "Page 1 sur 2 (62 au total)" in first
    assert "Liste 047" in first and "Liste 059" not in first
    assert 'href="?page=2" rel="next"' in first
    second = client.get(STRUCTURES + "?page=2").content.decode()
    assert "Liste 059" in second and "Liste 000" not in second
    # Filters: by name or city, by territory, by type; kept in the page links.
    found = client.get(STRUCTURES + "?q=roubaix").content.decode()
    assert "Liste 007" in found and "Liste 008" not in found
    by_type = client.get(STRUCTURES + f"?type=SSIAD&territoire={network.territoire.pk}")
    html = by_type.content.decode()
    assert "Page 1 sur 1" not in html  # 30 SSIAD: one page, no page links
    assert "Liste 000" in html and "Liste 001" not in html and "Structure Alpha" not in html
    assert (
        "Structure Beta"
        not in client.get(STRUCTURES + f"?territoire={network.territoire.pk}").content.decode()
    )
    many = client.get(STRUCTURES + "?q=liste&page=1").content.decode()
    assert 'href="?q=liste&amp;page=2"' in many
    # A page number out of range shows the last page, a wrong one the first.
    assert "Liste 059" in client.get(STRUCTURES + "?page=99").content.decode()
    assert "Liste 000" in client.get(STRUCTURES + "?page=abc").content.decode()


def test_pilot_pages_hold_only_their_territory(network, client_for):
    _structures(network.other_territoire, 60, prefix="Autre")
    client = client_for(network.user("pilote"))
    html = client.get(STRUCTURES + f"?territoire={network.other_territoire.pk}").content.decode()
    assert "Autre 000" not in html and "Aucune structure." in html
    assert client_for(network.user("directeur")).get(STRUCTURES).status_code == 404


def test_structures_list_costs_the_same_at_any_length(network, client_for):
    client = client_for(network.user("federation"))
    _structures(network.territoire, 5)
    few = _queries(client, STRUCTURES)
    _structures(network.territoire, 200, prefix="Plus")
    assert _queries(client, STRUCTURES) == few <= 15


def test_campaigns_and_territory_reviews_come_in_pages(network, client_for):
    Campagne.objects.bulk_create(
        Campagne(
            libelle=f"S{1 + i % 2} {1990 + i // 2}",
            semestre=1 + i % 2,
            annee=1990 + i // 2,
            echeance=datetime.date(1990 + i // 2, 7, 10),
        )
        for i in range(45)
    )
    client = client_for(network.user("federation"))
    first = client.get("/reporting/campagnes/").content.decode()
    assert "Page 1 sur 3 (45 au total)" in first
    assert "S1 2012" in first and "S1 1990" not in first
    last = client.get("/reporting/campagnes/?page=3").content.decode()
    assert "S1 1990" in last and "S1 2012" not in last
    # The pilot sees the network-wide campaigns, in pages too.
    assert (
        "Page 1 sur 3"
        in client_for(network.user("pilote")).get("/reporting/campagnes/").content.decode()
    )


def test_invitations_come_in_pages(network, client_for):
    federation = network.user("federation")
    Invitation.objects.bulk_create(
        Invitation(
            email=f"personne{i}@test.example",
            role="directeur",
            structure=network.structure,
            invited_by=federation,
            nonce=f"n{i}",
            expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        )
        for i in range(55)
    )
    html = client_for(federation).get("/reseau/invitations/").content.decode()
    assert "Page 1 sur 2 (55 au total)" in html
    assert html.count("@test.example</td>") == 50
