"""Self-diagnosis pages: roles, isolation, autosave (htmx), conflicts, evidence, exports."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from accompagnement.diagnostics import services
from accompagnement.diagnostics.models import Reponse
from tests.diagnostics.conftest import answer_all

PDF = b"%PDF-1.4\n%%EOF\n"
HTMX = {"HTTP_HX_REQUEST": "true"}


def base(autodiagnostic):
    return f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/"


def reponse_of(autodiagnostic, code):
    """Read alpha's answer, then give the connection back to the test client."""
    with schema_context("s_alpha"):
        return Reponse.objects.select_related("critere").get(
            autodiagnostic=autodiagnostic, critere__code=code
        )


@pytest.mark.parametrize(
    "role,status",
    [
        ("referent", 200),
        ("contributeur", 200),
        ("lecteur", 200),
        ("expert", 200),
        ("pilote", 200),
        ("directeur_autre", 404),
        ("expert_autre", 404),
        ("sans_role", 404),
    ],
)
def test_answer_page_by_role(autodiagnostic, client_for, network, role, status):
    connection.set_schema_to_public()
    assert client_for(network.user(role)).get(base(autodiagnostic)).status_code == status
    assert client_for(network.user(role)).get("/s/alpha/autodiagnostics/").status_code == status


def _page_queries(client, url) -> int:
    client.get(url)  # warm the per-process caches (frozen scale, templates)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_answer_page_query_count_is_bounded_for_49_criteria(
    in_structure,
    frame,
    frame_49,
    network,
    client_for,
    django_assert_max_num_queries,
):
    referent = network.user("referent")
    small = services.create_autodiagnostic(
        structure=in_structure, version=frame.version, annee=2015, user=referent
    )
    big = services.create_autodiagnostic(
        structure=in_structure, version=frame_49.version, annee=2016, user=referent
    )
    answer_all(network.structure, small, frame, referent, code="PC")
    answer_all(network.structure, big, frame_49, referent, code="PC")
    connection.set_schema_to_public()
    client = client_for(referent)
    for suffix in ("", "scores/"):
        # No growth with the number of criteria…
        assert _page_queries(client, base(small) + suffix) == _page_queries(
            client, base(big) + suffix
        )
        # …and at most 15 queries for the whole request, shared layout (menus) included.
        with django_assert_max_num_queries(15):
            client.get(base(big) + suffix)
    assert client.get(base(big)).content.count(b'class="card critere"') == 49


def test_autosave_shows_saved_state_and_moves_progress_out_of_band(
    autodiagnostic, client_for, network
):
    connection.set_schema_to_public()
    reponse = reponse_of(autodiagnostic, "4.1.1")
    response = client_for(network.user("contributeur")).post(
        f"{base(autodiagnostic)}reponses/{reponse.pk}/",
        {"valeur": "C", "commentaire": "", "revision": 0},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enregistré" in html
    assert 'id="progress-global" class="progress-block" hx-swap-oob="true"' in html
    assert "1 / 6 critères renseignés (17 %)" in html
    assert f'id="progress-theme-{reponse.critere.theme_id}" hx-swap-oob="true">1 / 3<' in html
    assert f'id="revision-{reponse.pk}" value="1" hx-swap-oob="true"' in html
    # The fields the person may still be typing in are never swapped.
    assert "<select" not in html and "<textarea" not in html


def test_conflict_message_shows_the_other_answer_and_keeps_the_typed_one(
    autodiagnostic, client_for, network
):
    connection.set_schema_to_public()
    reponse = reponse_of(autodiagnostic, "4.1.1")
    url = f"{base(autodiagnostic)}reponses/{reponse.pk}/"
    client_for(network.user("referent")).post(
        url, {"valeur": "C", "commentaire": "Procédure affichée", "revision": 0}, **HTMX
    )
    response = client_for(network.user("contributeur")).post(
        url, {"valeur": "PC", "commentaire": "Ma version à moi", "revision": 0}, **HTMX
    )
    html = response.content.decode()
    assert response["X-Business-Status"] == "409"
    assert "Réponse enregistrée par l'autre personne" in html
    assert "Procédure affichée" in html
    assert "Votre saisie est conservée ci-dessus" in html  # the page's fields are not swapped
    assert "<select" not in html and "<textarea" not in html
    assert f'id="revision-{reponse.pk}" value="1" hx-swap-oob="true"' in html
    assert reponse_of(autodiagnostic, "4.1.1").commentaire == "Procédure affichée"


def test_missing_required_comment_gives_a_french_message_and_keeps_the_value(
    autodiagnostic, client_for, network
):
    connection.set_schema_to_public()
    reponse = reponse_of(autodiagnostic, "4.1.1")
    response = client_for(network.user("referent")).post(
        f"{base(autodiagnostic)}reponses/{reponse.pk}/",
        {"valeur": "NC", "commentaire": "", "revision": 0},
        **HTMX,
    )
    html = response.content.decode()
    assert "Un commentaire est obligatoire pour la cotation « Non conforme »." in html
    assert "Non enregistré" in html
    assert response["X-Business-Status"] == "400"
    assert f'id="revision-{reponse.pk}" value="0" hx-swap-oob="true"' in html


def test_reader_cannot_answer_through_the_page(autodiagnostic, client_for, network):
    connection.set_schema_to_public()
    reponse = reponse_of(autodiagnostic, "4.1.1")
    response = client_for(network.user("lecteur")).post(
        f"{base(autodiagnostic)}reponses/{reponse.pk}/",
        {"valeur": "C", "commentaire": "", "revision": 0},
        **HTMX,
    )
    assert "Vous n&#x27;avez pas le droit" in response.content.decode()
    assert reponse_of(autodiagnostic, "4.1.1").valeur_id is None


def test_evidence_upload_and_access_checked_download(autodiagnostic, client_for, network):
    connection.set_schema_to_public()
    reponse = reponse_of(autodiagnostic, "4.1.1")
    client = client_for(network.user("referent"))
    response = client.post(
        f"{base(autodiagnostic)}reponses/{reponse.pk}/preuves/",
        {"fichier": SimpleUploadedFile("livret.pdf", PDF, "application/pdf")},
        **HTMX,
    )
    assert "Preuve ajoutée" in response.content.decode()
    too_big = client.post(
        f"{base(autodiagnostic)}reponses/{reponse.pk}/preuves/",
        {"fichier": SimpleUploadedFile("virus.exe", b"MZ")},
        **HTMX,
    )
    assert "Type de fichier refusé" in too_big.content.decode()
    with schema_context("s_alpha"):
        preuve = reponse.preuves.get()
    url = f"{base(autodiagnostic)}preuves/{preuve.pk}/"
    download = client_for(network.user("lecteur")).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert client_for(network.user("directeur_autre")).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    preuve.fichier.storage.delete(preuve.fichier.name)


def test_confirmation_page_only_for_the_assigned_expert(autodiagnostic, frame, client_for, network):
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    connection.set_schema_to_public()
    url = f"{base(autodiagnostic)}confirmation/"
    assert client_for(network.user("expert")).get(url).status_code == 200
    for role in ("referent", "federation", "expert_autre"):
        assert client_for(network.user(role)).get(url).status_code == 404
    reponse = reponse_of(autodiagnostic, "4.1.1")
    response = client_for(network.user("expert")).post(
        f"{url}{reponse.pk}/", {"valeur": "NC", "commentaire": ""}, **HTMX
    )
    assert "Expliquez en commentaire" in response.content.decode()
    response = client_for(network.user("expert")).post(
        f"{url}{reponse.pk}/", {"valeur": "NC", "commentaire": "Absent"}, **HTMX
    )
    assert "Enregistré" in response.content.decode()
    response = client_for(network.user("referent")).post(
        f"{base(autodiagnostic)}confirmation/{reponse.pk}/", {"valeur": "C"}, **HTMX
    )
    assert "Vous n&#x27;avez pas le droit" in response.content.decode()
    actions = client_for(network.user("expert")).post(
        f"{base(autodiagnostic)}actions/", follow=True
    )
    assert "1 action ajoutée au plan d&#x27;actions." in actions.content.decode()


def test_expert_home_lists_the_submitted_self_diagnosis(autodiagnostic, frame, client_for, network):
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    connection.set_schema_to_public()
    html = client_for(network.user("expert")).get("/").content.decode()
    assert "Structure Alpha : 6 critères à confirmer (autodiagnostic 2016)" in html
    assert f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/confirmation/" in html
    assert (
        "autodiagnostic 2016"
        not in client_for(network.user("expert_autre")).get("/").content.decode()
    )


def test_submit_and_reopen_buttons(autodiagnostic, frame, client_for, network):
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    connection.set_schema_to_public()
    page = client_for(network.user("referent")).get(base(autodiagnostic)).content.decode()
    assert "Soumettre à l&#x27;expert" in page
    assert (
        "Soumettre"
        not in client_for(network.user("lecteur")).get(base(autodiagnostic)).content.decode()
    )
    client_for(network.user("referent")).post(f"{base(autodiagnostic)}transition/submit/")
    expert_page = client_for(network.user("expert")).get(base(autodiagnostic)).content.decode()
    assert "Rouvrir" in expert_page
    assert "disabled" in expert_page


def test_export_page_generates_then_downloads_xlsx(autodiagnostic, client_for, network):
    connection.set_schema_to_public()
    client = client_for(network.user("lecteur"))
    response = client.post(f"{base(autodiagnostic)}export/xlsx/")
    assert response.status_code == 302
    status_page = client.get(response["Location"], **HTMX).content.decode()
    assert "Télécharger le fichier XLSX" in status_page
    download = client.get(response["Location"] + "telecharger/")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [c.value for c in sheet[1]][:4] == ["Code", "Intitulé", "Thème", "Niveau"]
    assert client_for(network.user("directeur_autre")).get(response["Location"]).status_code == 404
