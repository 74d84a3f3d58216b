"""The frames API: reads for everyone signed in, writes for federation admins."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from referentiels import services
from referentiels.models import Critere, Noeud, ReferentielVersion
from tests.conftest import ROLES
from tests.referentiels.conftest import ESSMS, SAMPLE
from tests.referentiels.test_import_export import MINIMAL

NON_ADMINS = [role for role in ROLES if role != "federation"]


def test_list_shows_frames_with_versions_and_hides_drafts_from_non_admins(
    sample_version, network, api_client_for
):
    services.create_draft(referentiel=sample_version.referentiel, numero="brouillon")
    admin = api_client_for(network.user("federation")).get("/api/v1/referentiels/").json()
    reader = api_client_for(network.user("lecteur")).get("/api/v1/referentiels/").json()
    assert {v["numero"] for v in admin[0]["versions"]} == {"2014-echantillon", "brouillon"}
    assert [v["numero"] for v in reader[0]["versions"]] == ["2014-echantillon"]


def test_anonymous_gets_nothing(sample_version, api_client_for):
    assert api_client_for(None).get("/api/v1/referentiels/").status_code in (401, 403)
    assert api_client_for(None).get(f"/api/v1/referentiels/{sample_version.pk}/").status_code in (
        401,
        403,
    )


def test_tree_endpoint_returns_the_whole_version(sample_version, network, api_client_for):
    data = (
        api_client_for(network.user("lecteur"))
        .get(f"/api/v1/referentiels/{sample_version.pk}/")
        .json()
    )
    assert data["echantillon"] is True and len(data["noeuds"]) == 6
    assert all(len(theme["enfants"]) == 2 for theme in data["noeuds"])
    assert sum(len(o["criteres"]) for t in data["noeuds"] for o in t["enfants"]) == 49
    assert [v["code"] for v in data["echelle"]["valeurs"]] == ["C", "PC", "NC", "NA"]


def test_draft_tree_is_404_for_non_admins(network, api_client_for, db):
    draft = services.import_version(content=yaml.safe_dump(MINIMAL).encode(), filename="m.yaml")
    assert (
        api_client_for(network.user("federation"))
        .get(f"/api/v1/referentiels/{draft.pk}/")
        .status_code
        == 200
    )
    for role in NON_ADMINS:
        assert (
            api_client_for(network.user(role)).get(f"/api/v1/referentiels/{draft.pk}/").status_code
            == 404
        )


def _tree_queries(client, version_id) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/referentiels/{version_id}/").status_code == 200
    return len(queries)


def test_tree_query_count_does_not_grow_with_the_number_of_criteria(network, api_client_for, db):
    client = api_client_for(network.user("lecteur"))
    small = services.load_sample(path=ESSMS)[0]  # 12 criteria
    big = services.load_sample(path=SAMPLE)[0]  # 49 criteria
    assert _tree_queries(client, small.pk) == _tree_queries(client, big.pk) <= 20


@pytest.mark.parametrize("role", NON_ADMINS)
def test_writes_are_forbidden_to_everyone_but_federation_admins(
    role, sample_version, network, api_client_for
):
    client = api_client_for(network.user(role))
    upload = SimpleUploadedFile("m.yaml", yaml.safe_dump(MINIMAL).encode())
    assert (
        client.post(
            "/api/v1/referentiels/import/", {"fichier": upload}, format="multipart"
        ).status_code
        == 403
    )
    assert client.post(f"/api/v1/referentiels/{sample_version.pk}/archive/").status_code == 403
    assert client.post(f"/api/v1/referentiels/{sample_version.pk}/publish/").status_code == 403
    assert ReferentielVersion.objects.get(pk=sample_version.pk).statut == "publie"


def test_import_then_publish_then_archive(network, api_client_for, db):
    client = api_client_for(network.user("federation"))
    upload = SimpleUploadedFile("m.yaml", yaml.safe_dump(MINIMAL).encode())
    response = client.post("/api/v1/referentiels/import/", {"fichier": upload}, format="multipart")
    assert response.status_code == 201, response.content
    version_id = response.json()["id"]
    assert (
        client.post(f"/api/v1/referentiels/{version_id}/publish/", {"commentaire": "ok"}).json()[
            "statut"
        ]
        == "publie"
    )
    again = client.post(f"/api/v1/referentiels/{version_id}/publish/")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "immutable"
    assert client.post(f"/api/v1/referentiels/{version_id}/archive/").json()["statut"] == "archive"


def test_import_errors_answer_400_with_the_list_and_create_nothing(network, api_client_for, db):
    client = api_client_for(network.user("federation"))
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    data["noeuds"][0]["enfants"][0]["criteres"].append({"code": "1.1", "niveau": "deux"})
    upload = SimpleUploadedFile("m.yaml", yaml.safe_dump(data).encode())
    response = client.post("/api/v1/referentiels/import/", {"fichier": upload}, format="multipart")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {e["code"] for e in errors} == {"duplicate_code", "invalid"}
    assert len(errors) == 3 and all(e["line"] for e in errors)
    assert not ReferentielVersion.objects.exists()
    junk = SimpleUploadedFile("junk.xlsx", b"\0" * (6 * 1024 * 1024))
    response = client.post("/api/v1/referentiels/import/", {"fichier": junk}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "file_too_large"


def test_published_version_cannot_be_changed_through_the_api(
    sample_version, network, api_client_for
):
    client = api_client_for(network.user("federation"))
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(f"/api/v1/referentiels/{sample_version.pk}/", {})
        assert response.status_code == 405
    assert Critere.objects.filter(version=sample_version).count() == 49


@pytest.mark.parametrize("fmt", ["yaml", "json", "xlsx"])
def test_export_each_format(fmt, sample_version, network, api_client_for):
    response = api_client_for(network.user("lecteur")).get(
        f"/api/v1/referentiels/{sample_version.pk}/export/?format={fmt}"
    )
    assert response.status_code == 200
    assert f".{fmt}" in response["Content-Disposition"]
    content = b"".join(response) if hasattr(response, "streaming_content") else response.content
    if fmt == "xlsx":
        from openpyxl import load_workbook

        assert load_workbook(io.BytesIO(content))["Critères"].max_row == 50
    else:
        assert yaml.safe_load(content)["referentiel"]["code"] == "realisation-prestations"


def test_diff_endpoint(sample_version, network, api_client_for):
    new = services.create_next_version(referentiel=sample_version.referentiel, numero="2026")
    noeud = Noeud.objects.filter(version=new, type="objectif").first()
    services.save_critere(version=new, noeud=noeud, code="4.1.99", titre="Ajouté")
    changed = Critere.objects.get(version=new, code="4.2.9")
    services.save_critere(
        version=new,
        noeud=changed.noeud,
        code="4.2.9",
        titre=changed.titre,
        critere=changed,
        imperatif=not changed.imperatif,
    )
    client = api_client_for(network.user("federation"))
    data = client.get(f"/api/v1/referentiels/{new.pk}/diff/?other={sample_version.pk}").json()
    assert (
        [c["code"] for c in data["ajoutes"]] == ["4.1.99"]
        and data["supprimes"] == []
        and data["inchanges"] == 48
    )
    before, after = ("non", "oui") if changed.imperatif else ("oui", "non")
    assert data["modifies"] == [
        {
            "urn": changed.urn,
            "code_avant": "4.2.9",
            "code": "4.2.9",
            "champs": ["imperatif"],
            "details": [
                {"champ": "imperatif", "libelle": "Impératif", "avant": before, "apres": after}
            ],
        }
    ]
    # a reader cannot diff against a draft
    assert (
        api_client_for(network.user("lecteur"))
        .get(f"/api/v1/referentiels/{sample_version.pk}/diff/?other={new.pk}")
        .status_code
        == 404
    )


def test_openapi_schema_documents_the_frames_api_without_warnings(db, capsys):
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    from api.referentiels.urls import network_urlpatterns

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=[path("api/v1/", include(network_urlpatterns))]).get_schema(
        request=None, public=True
    )
    paths = set(schema["paths"])
    assert {
        "/api/v1/referentiels/",
        "/api/v1/referentiels/{id}/",
        "/api/v1/referentiels/import/",
        "/api/v1/referentiels/{id}/publish/",
        "/api/v1/referentiels/{id}/archive/",
        "/api/v1/referentiels/{id}/export/",
        "/api/v1/referentiels/{id}/diff/",
    } <= paths
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache, (
        capsys.readouterr().err
    )
