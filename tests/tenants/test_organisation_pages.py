"""Organisation screens: the federation admin manages everything, a pilot their territory."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.models import GroupeTravail, ImportStructures, Structure, Territoire
from tenants.validators import luhn_complete


@pytest.mark.parametrize(
    "role, alpha, beta",
    [
        ("federation", 200, 200),
        ("pilote", 200, 404),
        ("pilote_autre", 404, 200),
        ("expert", 404, 404),
        ("directeur", 404, 404),
        ("sans_role", 404, 404),
    ],
)
def test_structure_detail_and_edit_by_role(network, client_for, role, alpha, beta):
    client = client_for(network.user(role))
    assert client.get("/reseau/structures/alpha/").status_code == alpha
    assert client.get("/reseau/structures/alpha/modifier/").status_code == alpha
    assert client.get("/reseau/structures/beta/").status_code == beta


def test_structure_list_shows_only_the_pilots_territory(
    network, client_for, django_assert_max_num_queries
):
    client = client_for(network.user("pilote"))
    client.get("/reseau/structures/")
    with django_assert_max_num_queries(25):
        page = client.get("/reseau/structures/").content.decode()
    assert "Structure Alpha" in page and "Structure Beta" not in page
    assert client_for(network.user("directeur")).get("/reseau/structures/").status_code == 404


def test_edit_form_shows_french_finess_and_siret_errors(network, client_for):
    client = client_for(network.user("pilote"))
    response = client.post(
        "/reseau/structures/alpha/modifier/",
        {
            "nom": "Structure Alpha",
            "type": "SAAD",
            "finess": "12345",
            "siret": "1234",
            "territoire": network.territoire.pk,
            "phase": "preparatoire",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Le numéro FINESS doit comporter 9 caractères" in page
    assert "Le numéro SIRET doit comporter 14 chiffres" in page
    assert 'class="error-summary"' in page


def test_pilot_edits_a_structure_of_their_territory(network, client_for):
    response = client_for(network.user("pilote")).post(
        "/reseau/structures/alpha/modifier/",
        {
            "nom": "Alpha renommée",
            "type": "SSIAD",
            "finess": luhn_complete("59000501"),
            "territoire": network.territoire.pk,
            "groupes": [network.groupe.pk],
            "phase": "deploiement",
            "date_engagement": "2024-01-15",
        },
    )
    assert response.status_code == 302
    alpha = Structure.objects.get(pk=network.structure.pk)
    assert (alpha.nom, alpha.type, alpha.slug) == ("Alpha renommée", "SSIAD", "alpha")


def test_pilot_creates_a_structure_only_in_their_territory(network, client_for):
    client = client_for(network.user("pilote"))
    refused = client.post(
        "/reseau/structures/nouvelle/",
        {
            "nom": "Ailleurs",
            "type": "SAAD",
            "territoire": network.other_territoire.pk,
            "phase": "preparatoire",
        },
    )
    assert refused.status_code == 200 and not Structure.objects.filter(nom="Ailleurs").exists()
    created = client.post(
        "/reseau/structures/nouvelle/",
        {
            "nom": "Ici",
            "type": "SAAD",
            "territoire": network.territoire.pk,
            "phase": "preparatoire",
        },
    )
    assert created.status_code == 302
    assert Structure.objects.get(slug="ici").schema_name == "s_ici"


def test_duplicate_slug_is_an_error_next_to_the_field(network, client_for):
    response = client_for(network.user("federation")).post(
        "/reseau/structures/nouvelle/",
        {
            "nom": "Autre alpha",
            "slug": "alpha",
            "type": "SAAD",
            "phase": "preparatoire",
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_territories_and_groups_screens(network, client_for):
    federation = client_for(network.user("federation"))
    assert (
        federation.post(
            "/reseau/territoires/nouveau/", {"code": "ut-sud", "nom": "UT Sud"}
        ).status_code
        == 302
    )
    pilote = client_for(network.user("pilote"))
    page = pilote.get("/reseau/territoires/").content.decode()
    assert "UT Test" in page and "UT Autre" not in page
    assert pilote.get("/reseau/territoires/nouveau/").status_code == 404
    assert (
        pilote.get(f"/reseau/territoires/{network.other_territoire.pk}/modifier/").status_code
        == 404
    )
    response = pilote.post(
        f"/reseau/groupes/{network.groupe.pk}/modifier/",
        {
            "territoire": network.territoire.pk,
            "nom": "Groupe renommé",
        },
    )
    assert response.status_code == 302
    assert GroupeTravail.objects.get(pk=network.groupe.pk).nom == "Groupe renommé"
    assert pilote.get(f"/reseau/groupes/{network.other_groupe.pk}/modifier/").status_code == 404
    assert Territoire.objects.filter(code="ut-sud").exists()


def test_import_page_runs_the_import_and_shows_progress(
    network, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network.user("federation"))
    content = f"nom;type;territoire;finess\nImport Page;SAAD;ut-test;{luhn_complete('59000601')}\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reseau/structures/import/", {"fichier": SimpleUploadedFile("s.csv", content)}
        )
    assert response.status_code == 302
    record = ImportStructures.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Terminé" in page and 'max="1" value="1"' in page
    assert "hx-trigger" not in page  # finished: the page stops polling
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="progression"')
    assert record.statut == "termine" and Structure.objects.filter(slug="import-page").exists()


def test_waiting_import_polls_every_second(network, client_for):
    record = ImportStructures.objects.create(
        fichier_nom="s.csv", auteur=network.user("federation"), statut="en_cours", total=10, faits=4
    )
    page = (
        client_for(network.user("federation"))
        .get(f"/reseau/structures/import/{record.pk}/")
        .content.decode()
    )
    assert 'hx-trigger="every 1s"' in page and 'value="4"' in page


def test_rejected_import_lists_errors_by_line(network, client_for):
    client = client_for(network.user("federation"))
    response = client.post(
        "/reseau/structures/import/",
        {
            "fichier": SimpleUploadedFile("s.csv", b"nom;type;territoire\nX;SAAD;ut-inconnue\n"),
        },
    )
    page = client.get(response["Location"]).content.decode()
    assert "Territoire inconnu" in page, page
    assert "rien n'a été créé" in page


def test_import_of_someone_else_is_404(network, client_for):
    record = ImportStructures.objects.create(
        fichier_nom="s.csv", auteur=network.user("federation"), statut="termine"
    )
    assert (
        client_for(network.user("pilote"))
        .get(f"/reseau/structures/import/{record.pk}/")
        .status_code
        == 404
    )
    assert (
        client_for(network.user("directeur")).get("/reseau/structures/import/").status_code == 404
    )


def test_menu_entries_by_role(network, client_for):
    federation = client_for(network.user("federation")).get("/").content.decode()
    assert "/reseau/journal/" in federation and "/reseau/structures/" in federation
    lecteur = client_for(network.user("lecteur")).get("/").content.decode()
    assert "/reseau/structures/" not in lecteur and "/reseau/invitations/" not in lecteur
    assert "/compte/profil/" in lecteur
