"""Irreversible steps ask for confirmation and say what they lock; a reopening request
needs its reason; a submitted review reads "Soumis le …"."""

from __future__ import annotations

import re

from django.db import connection
from django.utils import formats

from accompagnement.bilans import services as bilans_services
from accompagnement.diagnostics import services
from accompagnement.diagnostics.models import Autodiagnostic
from tests.bilans.conftest import campagne  # noqa: F401 (fixture)
from tests.diagnostics.conftest import answer_all
from tests.factories import build_frame


def _confirm_step(page: str, label: str) -> str:
    """The <details class="confirm-step"> holding the button ``label``."""
    for block in re.findall(r'<details class="confirm-step">.*?</details>', page, re.S):
        if label in block:
            return block
    raise AssertionError(f"no confirmation step for {label!r}")


def test_submitting_and_finishing_ask_for_confirmation(in_structure, network, client_for):
    frame = build_frame()
    autodiagnostic = services.create_autodiagnostic(
        structure=in_structure, version=frame.version, annee=2016, user=network.user("referent")
    )
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    connection.set_schema_to_public()
    base = f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/"
    page = client_for(network.user("referent")).get(base).content.decode()
    step = _confirm_step(page, "Confirmer : Soumettre à l&#x27;expert")
    assert "ne peuvent plus être modifiées" in step
    connection.set_tenant(in_structure)
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    connection.set_schema_to_public()
    page = client_for(network.user("expert")).get(base + "confirmation/").content.decode()
    assert "fige les cotations confirmées" in _confirm_step(
        page, "Confirmer : Terminer la confirmation"
    )


def test_reopening_request_needs_its_reason(in_structure, network, client_for):
    frame = build_frame()
    autodiagnostic = services.create_autodiagnostic(
        structure=in_structure, version=frame.version, annee=2016, user=network.user("referent")
    )
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    connection.set_schema_to_public()
    client = client_for(network.user("referent"))
    url = f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/transition/request_reopen/"
    page = client.post(url, {"commentaire": "  "}, follow=True).content.decode()
    assert "Un commentaire est obligatoire" in page
    connection.set_tenant(in_structure)
    assert Autodiagnostic.objects.get(pk=autodiagnostic.pk).statut == "soumis"
    connection.set_schema_to_public()
    client.post(url, {"commentaire": "Erreur sur le critère 4.1.2"})
    connection.set_tenant(in_structure)
    assert Autodiagnostic.objects.get(pk=autodiagnostic.pk).statut == "reouverture_demandee"


def test_review_submission_is_confirmed_then_reads_soumis_le(
    in_structure,
    network,
    client_for,
    campagne,  # noqa: F811
):
    bilan = bilans_services.open_bilan(
        structure=network.structure, campagne=campagne, user=network.user("referent")
    )
    connection.set_schema_to_public()
    client = client_for(network.user("referent"))
    page = client.get(f"/s/alpha/bilans/{bilan.pk}/").content.decode()
    assert "ne peut plus être modifié" in _confirm_step(page, "Confirmer : soumettre le bilan")
    connection.set_tenant(in_structure)
    bilans_services.submit_bilan(
        structure=network.structure, bilan=bilan, user=network.user("referent")
    )
    bilan.refresh_from_db()
    connection.set_schema_to_public()
    page = client.get(f"/s/alpha/bilans/{bilan.pk}/").content.decode()
    expected = formats.date_format(bilan.submitted_at, "j F Y")
    assert f"Soumis le {expected}" in page
    assert "oumis soumis" not in page.lower()


def test_publishing_and_archiving_a_frame_version_ask_for_confirmation(network, client_for):
    from referentiels import services
    from tests.factories import build_frame

    frame = build_frame(publish=False)  # a draft with criteria: publishable
    client = client_for(network.user("federation"))
    page = client.get(f"/referentiels/versions/{frame.version.pk}/").content.decode()
    assert "ne se modifie plus" in _confirm_step(page, "Confirmer : publier cette version")
    services.publish_version(version=frame.version, user=network.user("federation"))
    page = client.get(f"/referentiels/versions/{frame.version.pk}/").content.decode()
    assert "n'est plus proposée" in _confirm_step(page, "Confirmer : archiver cette version")
