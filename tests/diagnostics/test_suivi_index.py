"""The public index of self-diagnoses (``reporting.SuiviAutodiagnostic``) follows the
workflow in the same transaction, and the expert's home and queue read it: their query
count does not grow with the number of structures followed."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accompagnement.diagnostics import services
from accompagnement.reporting.models import SuiviAutodiagnostic
from tenants.models import Structure
from tests.diagnostics.conftest import answer_all

QUEUE_URL = "/autodiagnostics/a-confirmer/"


def _row(autodiagnostic) -> SuiviAutodiagnostic:
    return SuiviAutodiagnostic.objects.get(autodiagnostic_id=autodiagnostic.pk)


def test_index_follows_the_workflow(autodiagnostic, frame, network):
    row = _row(autodiagnostic)
    assert (row.structure, row.annee, row.statut) == (network.structure, 2016, "brouillon")
    assert row.nb_criteres == autodiagnostic.reponses.count() > 0
    assert row.nb_confirmes == 0 and row.submitted_at is None

    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    row = _row(autodiagnostic)
    assert row.statut == "soumis" and row.submitted_at is not None

    first = autodiagnostic.reponses.order_by("pk").first()
    services.confirm_criterion(
        structure=network.structure, reponse=first, expert=network.user("expert")
    )
    services.confirm_criterion(
        structure=network.structure, reponse=first, expert=network.user("expert")
    )  # same: not twice
    assert _row(autodiagnostic).nb_confirmes == 1

    for reponse in autodiagnostic.reponses.exclude(pk=first.pk):
        services.confirm_criterion(
            structure=network.structure, reponse=reponse, expert=network.user("expert")
        )
    services.finish_confirmation(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("expert")
    )
    row = _row(autodiagnostic)
    assert row.statut == "confirme"
    assert row.nb_confirmes == row.nb_criteres


def test_queue_lists_submissions_of_followed_structures_only(
    autodiagnostic, frame, network, client_for
):
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    connection.set_schema_to_public()
    html = client_for(network.user("expert")).get(QUEUE_URL).content.decode()
    assert "Structure Alpha" in html
    assert f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/confirmation/" in html
    other = client_for(network.user("expert_autre")).get(QUEUE_URL).content.decode()
    assert "Structure Alpha" not in other
    assert client_for(network.user("directeur")).get(QUEUE_URL).status_code in (403, 404)


def _follow(network, count: int) -> None:
    """``count`` more structures in the expert's group, each with a submission to confirm
    (index rows only: the pages must not open the structures' schemas)."""
    start = Structure.objects.count()
    structures = Structure.objects.bulk_create(
        Structure(
            nom=f"Suivie {start + i:03d}",
            slug=f"suivie-{start + i}",
            schema_name=f"s_suivie_{start + i}",
            type=Structure.Type.SAAD,
        )
        for i in range(count)
    )
    network.groupe.structures.add(*structures)
    SuiviAutodiagnostic.objects.bulk_create(
        SuiviAutodiagnostic(
            structure=s, autodiagnostic_id=1, annee=2016, statut="soumis", nb_criteres=49
        )
        for s in structures
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_expert_home_and_queue_are_constant_in_structures_followed(network, client_for):
    client = client_for(network.user("expert"))
    start = Structure.objects.count()
    _follow(network, 2)
    few = {url: _queries(client, url) for url in ("/", QUEUE_URL)}
    _follow(network, 21)  # 23 structures followed
    html = client.get(QUEUE_URL).content.decode()
    assert all(f"Suivie {n:03d}" in html for n in range(start, start + 23))
    many = {url: _queries(client, url) for url in ("/", QUEUE_URL)}
    assert many == few
    assert max(many.values()) <= 15
