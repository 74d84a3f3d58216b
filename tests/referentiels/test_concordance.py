"""The crosswalk (table de concordance): the shipped sample, its edition by the federation
admin (pages and API), its copy into a new version, and a self-diagnosis read by chapter of
another reference, checked against an independent calculation."""

from __future__ import annotations

import random

import pytest

from accompagnement.diagnostics import concordance as coverage
from accompagnement.diagnostics import services as diagnostics
from referentiels import concordance, services
from referentiels.demo import SAMPLES
from referentiels.models import Concordance, Critere, ReferenceExterne

WEIGHTS = {"C": 1.0, "PC": 0.5, "NC": 0.0}


@pytest.fixture
def module(db):
    version, _created = services.load_sample(path=SAMPLES[0], publish=True)
    concordance.load_sample_concordance()
    return version


def _refs(critere: Critere) -> set[str]:
    return {f"{c.reference.systeme} {c.reference.code}" for c in critere.concordances.all()}


def test_sample_maps_every_criterion_to_its_nf_section_once(module):
    criteres = list(Critere.objects.filter(version=module).select_related("theme"))
    assert len(criteres) == 49
    for critere in criteres:
        assert f"nf_x_50_056 § {critere.theme.code}" in _refs(critere), critere.code
    livret = next(c for c in criteres if c.code == "4.2.9")
    assert {"nf_x_50_056 § 4.2.9", "casf L311-4", "has_essms_2022 Chapitre 1"} <= _refs(livret)
    assert concordance.load_sample_concordance() == 0  # idempotent
    # identifiers and short labels only: no reference carries a long text
    assert all(len(r.libelle) <= 200 for r in ReferenceExterne.objects.all())


def test_criterion_page_shows_the_references_and_only_the_admin_edits(module, network, client_for):
    url = f"/referentiels/versions/{module.pk}/criteres/4.2.9/"
    page = client_for(network.user("referent")).get(url).content.decode()
    assert "Table de concordance" in page and "L311-4" in page
    assert "Modifier les références de ce critère" not in page
    admin = client_for(network.user("federation"))
    assert "Modifier les références de ce critère" in admin.get(url).content.decode()
    only = ReferenceExterne.objects.get(systeme="casf", code="L311-7")
    response = admin.post(f"{url}concordance/", {"references": [only.pk]})
    assert response.status_code == 302
    assert _refs(Critere.objects.get(version=module, code="4.2.9")) == {"casf L311-7"}
    forbidden = client_for(network.user("expert")).post(f"{url}concordance/", {"references": []})
    assert forbidden.status_code == 403
    assert _refs(Critere.objects.get(version=module, code="4.2.9")) == {"casf L311-7"}


def test_version_table_and_adding_a_reference(module, network, client_for):
    admin = client_for(network.user("federation"))
    url = f"/referentiels/versions/{module.pk}/concordance/"
    assert "4.6.2" in admin.get(url).content.decode()
    missing = admin.post(url, {"systeme": "has_essms_2022", "code": " ", "chapitre": "x"})
    assert missing.status_code == 400 and "obligatoires" in missing.content.decode()
    assert (
        admin.post(
            url,
            {"systeme": "has_essms_2022", "code": "1.1", "chapitre": "Chapitre 1", "libelle": "X"},
        ).status_code
        == 302
    )
    assert ReferenceExterne.objects.filter(systeme="has_essms_2022", code="1.1").exists()
    reader = client_for(network.user("directeur"))
    assert reader.get(url).status_code == 200
    assert reader.post(url, {"systeme": "casf", "code": "L1", "chapitre": "c"}).status_code == 403


def test_a_new_version_starts_with_the_crosswalk(module):
    version = services.create_next_version(referentiel=module.referentiel, numero="2026")
    old = {
        (c.critere.code, c.reference_id)
        for c in Concordance.objects.filter(critere__version=module).select_related("critere")
    }
    new = {
        (c.critere.code, c.reference_id)
        for c in Concordance.objects.filter(critere__version=version).select_related("critere")
    }
    assert new == old and len(new) > 49


def test_api_reads_and_the_admin_sets_a_criterion(module, network, api_client_for):
    table = api_client_for(network.user("referent")).get(
        f"/api/v1/referentiels/{module.pk}/concordance/"
    )
    assert table.status_code == 200
    row = next(r for r in table.json() if r["critere"] == "4.3.3")
    assert {"systeme": "consommation", "code": "L221-18"}.items() <= next(
        ref for ref in row["references"] if ref["systeme"] == "consommation"
    ).items()
    target = ReferenceExterne.objects.get(systeme="casf", code="L311-5")
    url = f"/api/v1/referentiels/{module.pk}/criteres/4.3.3/concordance/"
    refused = api_client_for(network.user("directeur")).put(
        url, {"references": [target.pk]}, format="json"
    )
    assert refused.status_code == 403
    done = api_client_for(network.user("federation")).put(
        url, {"references": [target.pk]}, format="json"
    )
    assert done.status_code == 200
    assert [r["code"] for r in done.json()["references"]] == ["L311-5"]
    listing = api_client_for(network.user("expert")).get("/api/v1/references-externes/")
    assert listing.status_code == 200 and len(listing.json()) == ReferenceExterne.objects.count()


def _answered(module, network, in_structure, seed=3):
    autodiagnostic = diagnostics.create_autodiagnostic(
        structure=in_structure, version=module, annee=2026, user=network.user("referent")
    )
    valeurs = {v.code: v for v in module.echelle.valeurs.all()}
    rng = random.Random(seed)
    answers = {}
    for reponse in autodiagnostic.reponses.select_related("critere"):
        code = rng.choice(["C", "C", "PC", "NC", "NA"])
        answers[reponse.critere.code] = code
        diagnostics.save_answer(
            structure=network.structure,
            reponse=reponse,
            valeur=valeurs[code],
            commentaire="justification",
            expected_revision=reponse.revision,
            user=network.user("referent"),
        )
    return autodiagnostic, answers


def test_coverage_by_chapter_matches_an_independent_calculation(module, network, in_structure):
    autodiagnostic, answers = _answered(module, network, in_structure)
    result = coverage.crosswalk_coverage(
        autodiagnostic, systeme="nf_x_50_056", structure_type=in_structure.type
    )
    assert [row.chapitre for row in result.chapitres] == [f"§ 4.{n}" for n in range(1, 7)]
    for row in result.chapitres:
        codes = [code for code in answers if code.startswith(row.chapitre[2:] + ".")]
        scored = [WEIGHTS[answers[code]] for code in codes if answers[code] != "NA"]
        assert len(row.criteres) == len(codes)  # 4.2.9 is mapped twice into § 4.2: once
        expected = sum(scored) / len(scored) if scored else None
        assert row.declared.rate == pytest.approx(expected)
        assert row.confirmed.rate is None
    has = coverage.crosswalk_coverage(
        autodiagnostic, systeme="has_essms_2022", structure_type=in_structure.type
    )
    assert [row.chapitre for row in has.chapitres] == ["Chapitre 1", "Chapitre 2", "Chapitre 3"]


@pytest.mark.parametrize("role", ["directeur", "referent", "lecteur", "expert", "pilote"])
def test_coverage_page_and_api_for_the_structures_people(
    module, network, in_structure, client_for, api_client_for, role
):
    autodiagnostic, _answers = _answered(module, network, in_structure)
    page = client_for(network.user(role)).get(
        f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/concordance/?systeme=casf"
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Droits des usagers" in body and "casf" not in body.split("<main")[-1].split("value=")[0]
    api = api_client_for(network.user(role)).get(
        f"/s/alpha/api/v1/autodiagnostics/{autodiagnostic.pk}/concordance/?systeme=nf_x_50_056"
    )
    assert api.status_code == 200
    rates = [row["declare"] for row in api.json()["chapitres"]]
    assert all(rate is None or 0 <= rate <= 1 for rate in rates)


@pytest.mark.parametrize("role", ["directeur_autre", "expert_autre", "pilote_autre"])
def test_another_structures_people_get_404(
    module, network, in_structure, client_for, api_client_for, role
):
    autodiagnostic, _answers = _answered(module, network, in_structure)
    path = f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/concordance/"
    assert client_for(network.user(role)).get(path).status_code == 404
    api = api_client_for(network.user(role)).get(
        f"/s/alpha/api/v1/autodiagnostics/{autodiagnostic.pk}/concordance/"
    )
    assert api.status_code == 404
