"""Frame pages: every role browses published versions; only federation admins manage."""

from __future__ import annotations

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from core.actors import SYSTEM
from referentiels import services
from referentiels.models import Critere, DocumentOutilFichier, ReferentielVersion
from tests.conftest import ROLES
from tests.referentiels.test_import_export import MINIMAL

NON_ADMINS = [role for role in ROLES if role != "federation"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_browses_a_published_version(
    role, sample_version, network, client_for, django_assert_max_num_queries
):
    client = client_for(network.user(role))
    assert "Référentiels" in client.get("/referentiels/").content.decode()
    with django_assert_max_num_queries(30):
        page = client.get(f"/referentiels/versions/{sample_version.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Échantillon" in html and "4.2.9" in html
    critere = client.get(f"/referentiels/versions/{sample_version.pk}/criteres/4.3.2/")
    assert critere.status_code == 200 and "Code de la consommation" in critere.content.decode()
    search = client.get(
        f"/referentiels/versions/{sample_version.pk}/?q=livret",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="resultats",
    )
    assert "4.2.9" in search.content.decode() and "<h1>" not in search.content.decode()


def test_search_by_code(sample_version, network, client_for):
    html = (
        client_for(network.user("lecteur"))
        .get(f"/referentiels/versions/{sample_version.pk}/?q=4.3.")
        .content.decode()
    )
    assert "4.3.1" in html and "4.3.10" in html


def test_anonymous_is_sent_to_login(sample_version, client_for):
    assert client_for(None).get("/referentiels/").status_code == 302


@pytest.mark.parametrize("role", NON_ADMINS)
def test_management_pages_are_forbidden_to_non_admins(role, sample_version, network, client_for):
    client = client_for(network.user(role))
    assert client.get("/referentiels/nouveau/").status_code == 403
    assert client.get("/referentiels/importer/").status_code == 403
    assert client.post(f"/referentiels/versions/{sample_version.pk}/archiver/").status_code == 403
    draft = services.create_draft(referentiel=sample_version.referentiel, numero=f"b-{role}")
    assert client.get(f"/referentiels/versions/{draft.pk}/").status_code == 404
    assert ReferentielVersion.objects.get(pk=sample_version.pk).statut == "publie"


def test_admin_imports_with_errors_listed_then_publishes(
    network, client_for, db, django_capture_on_commit_callbacks
):
    client = client_for(network.user("federation"))
    bad = yaml.safe_load(yaml.safe_dump(MINIMAL))
    bad["echelle"]["valeurs"][0]["poids"] = 2
    response = client.post(
        "/referentiels/importer/",
        {"fichier": SimpleUploadedFile("m.yaml", yaml.safe_dump(bad).encode())},
    )
    assert response.status_code == 400 and "entre 0 et 1" in response.content.decode()
    assert not ReferentielVersion.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the import's job runs
        response = client.post(
            "/referentiels/importer/",
            {"fichier": SimpleUploadedFile("m.yaml", yaml.safe_dump(MINIMAL).encode())},
        )
    version = ReferentielVersion.objects.get()
    assert response.status_code == 302
    client.post(f"/referentiels/versions/{version.pk}/publier/")
    version.refresh_from_db()
    assert version.is_published
    for fmt in ("yaml", "json", "xlsx"):
        assert client.get(f"/referentiels/versions/{version.pk}/exporter/{fmt}/").status_code == 200


def test_admin_creates_a_draft_edits_a_criterion_and_diffs(sample_version, network, client_for):
    client = client_for(network.user("federation"))
    response = client.post(
        f"/referentiels/versions/{sample_version.pk}/nouvelle-version/", {"numero": "2026"}
    )
    new = ReferentielVersion.objects.get(numero="2026")
    assert response.status_code == 302
    critere = Critere.objects.get(version=new, code="4.2.9")
    critere_titre_avant = critere.titre
    form = {
        "noeud": critere.noeud_id,
        "code": "4.2.9",
        "titre": "Livret revu",
        "sources": "CASF\nNF X 50-056",
        "applicabilite": ["SAAD"],
    }
    assert (
        client.post(f"/referentiels/versions/{new.pk}/criteres/4.2.9/modifier/", form).status_code
        == 302
    )
    critere.refresh_from_db()
    assert critere.titre == "Livret revu" and critere.sources == ["CASF", "NF X 50-056"]
    html = client.get(
        f"/referentiels/versions/{new.pk}/differences/?other={sample_version.pk}"
    ).content.decode()
    assert "1 modifié," in html
    # each changed field with its label and both texts, not the field's code
    assert "Intitulé" in html and "Livret revu" in html and escape(critere_titre_avant) in html
    assert "CASF<br>NF X 50-056" in html and "titre, sources" not in html
    # editing the published one is refused with a message, not an error
    published = Critere.objects.get(version=sample_version, code="4.2.9")
    response = client.post(
        f"/referentiels/versions/{sample_version.pk}/criteres/4.2.9/modifier/",
        {**form, "noeud": published.noeud_id},
    )
    assert response.status_code == 200 and "ne peut plus être modifiée" in response.content.decode()
    draft = client.post(
        "/referentiels/nouveau/", {"code": "nouveau-ref", "titre": "Nouveau", "numero": "1"}
    )
    assert (
        draft.status_code == 302
        and ReferentielVersion.objects.filter(referentiel__code="nouveau-ref").exists()
    )


def test_toolbox_files_are_served_only_to_those_who_see_the_version(
    network, client_for, db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    admin = client_for(network.user("federation"))
    version = services.import_version(content=yaml.safe_dump(MINIMAL).encode(), filename="m.yaml")
    admin.post(
        f"/referentiels/versions/{version.pk}/documents/",
        {
            "titre": "Modèle de livret",
            "type": "formulaire",
            "texte": "",
            "critere_code": "1.1",
            "fichier": SimpleUploadedFile("livret.pdf", b"%PDF-1.4 test"),
        },
    )
    fichier = DocumentOutilFichier.objects.get()
    assert fichier.document.critere.code == "1.1"
    assert admin.get(f"/referentiels/fichiers/{fichier.pk}/").status_code == 200
    assert (
        client_for(network.user("lecteur")).get(f"/referentiels/fichiers/{fichier.pk}/").status_code
        == 404
    )  # draft
    services.publish_version(version=version, user=SYSTEM)
    response = client_for(network.user("lecteur")).get(f"/referentiels/fichiers/{fichier.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    # a new file version is allowed on a published version; older ones are kept
    admin.post(
        f"/referentiels/documents/{fichier.document_id}/fichiers/",
        {"fichier": SimpleUploadedFile("livret-v2.pdf", b"%PDF v2")},
    )
    assert list(
        DocumentOutilFichier.objects.values_list("numero", flat=True).order_by("numero")
    ) == [1, 2]
    exe = admin.post(
        f"/referentiels/documents/{fichier.document_id}/fichiers/",
        {"fichier": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert exe.status_code == 302 and DocumentOutilFichier.objects.count() == 2


def test_import_page_links_to_the_format_page_generated_from_the_schema(network, client_for):
    from referentiels.io.schema import CRITERE_FIELDS, FORMAT_SECTIONS

    client = client_for(network.user("federation"))
    html = client.get("/referentiels/importer/").content.decode()
    assert 'href="/referentiels/format/"' in html and "docs/referentiels.md" not in html
    page = client.get("/referentiels/format/").content.decode()
    assert "qualireseau-referentiel/1" in page
    for _key, title, _fields in FORMAT_SECTIONS:
        assert escape(title) in page
    for field in CRITERE_FIELDS:
        assert f"<code>{field.name}</code>" in page
    assert "Intitulé du critère" in page and "nombre entre 0 et 1" in page
    # the format is documentation, readable by every signed-in person (the API documents it too)
    assert client_for(network.user("lecteur")).get("/referentiels/format/").status_code == 200
