"""Every level of a frame is scored, and imperative criteria get a verdict: the second
sample frame (chapter → thematic → objective → criterion, 1–4 scale + "optimisé" +
"non concerné", 3 imperative criteria) on the score page and the API, each rate checked
against an independent calculation (weights by value code, no scoring code)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accompagnement.diagnostics import services
from referentiels import services as ref_services
from referentiels.models import Critere, Noeud

ESSMS = Path(__file__).resolve().parents[2] / "referentiels/data/essms_echantillon.yaml"
WEIGHTS = {"1": 0.0, "2": 0.33, "3": 0.67, "4": 1.0, "OPT": 1.0}  # NC ("non concerné") excluded
CYCLE = ["4", "3", "OPT", "2", "NC", "4", "1"]
API = "/s/alpha/api/v1/autodiagnostics/"


@pytest.fixture
def answered(in_structure, network):
    version, _created = ref_services.load_sample(path=ESSMS, publish=True)
    referent = network.user("referent")
    autodiagnostic = services.create_autodiagnostic(
        structure=in_structure, version=version, annee=2016, user=referent, copy_previous=False
    )
    values = {}
    for index, reponse in enumerate(
        autodiagnostic.reponses.select_related("critere").order_by("critere__ordre")
    ):
        value = CYCLE[index % len(CYCLE)]
        services.save_answer(
            structure=network.structure,
            reponse=reponse,
            valeur=value,
            commentaire="Constat de l'équipe.",
            expected_revision=reponse.revision,
            user=referent,
        )
        values[reponse.critere.code] = value
    return version, autodiagnostic, values


def _rate(values) -> float | None:
    scored = [WEIGHTS[v] for v in values if v in WEIGHTS]
    return sum(scored) / len(scored) if scored else None


def _expected_node_rates(version, values) -> dict[str, float | None]:
    """Every node's rate: the criteria below it at any depth (walked here from parents)."""
    parents = dict(Noeud.objects.filter(version=version).values_list("code", "parent__code"))
    below: dict[str, list[str]] = {code: [] for code in parents}
    for code, noeud in Critere.objects.filter(version=version).values_list("code", "noeud__code"):
        node = noeud
        while node is not None:
            below[node].append(values[code])
            node = parents[node]
    return {code: _rate(v) for code, v in below.items() if v}


def test_api_gives_a_rate_for_every_node_of_a_four_level_frame(answered, network, api_client_for):
    version, autodiagnostic, values = answered
    payload = api_client_for(network.user("referent")).get(f"{API}{autodiagnostic.pk}/scores/")
    assert payload.status_code == 200
    data = payload.json()
    expected = _expected_node_rates(version, values)
    got = {n["code"]: n["declare"]["taux"] for n in data["noeuds"]}
    assert set(got) == set(expected)
    assert {n["type"] for n in data["noeuds"]} == {"chapitre", "thematique", "objectif"}
    assert max(n["profondeur"] for n in data["noeuds"]) == 2
    for code, rate in expected.items():
        assert got[code] == pytest.approx(rate)
    assert data["module"]["declare"]["taux"] == pytest.approx(_rate(values.values()))
    chapters = [_rate(v) for v in _by_chapter(version, values).values()]
    assert data["module"]["definitions"]["moyenne_themes"]["declare"] == pytest.approx(
        sum(chapters) / len(chapters)
    )
    assert data["module"]["definition_principale"] == "moyenne_criteres"


def _by_chapter(version, values) -> dict[str, list[str]]:
    chapters: dict[str, list[str]] = {}
    for code, theme in Critere.objects.filter(version=version).values_list("code", "theme__code"):
        chapters.setdefault(theme, []).append(values[code])
    return chapters


def _imperative_verdict(version, values) -> tuple[int, int]:
    imperatifs = Critere.objects.filter(version=version, imperatif=True).values_list(
        "code", flat=True
    )
    failing = [c for c in imperatifs if values[c] in WEIGHTS and WEIGHTS[values[c]] < 1]
    return len(imperatifs), len(failing)


def test_api_imperative_verdict_matches_the_answers(answered, network, api_client_for):
    version, autodiagnostic, values = answered
    data = api_client_for(network.user("referent")).get(f"{API}{autodiagnostic.pk}/scores/").json()
    total, failing = _imperative_verdict(version, values)
    assert total == 3
    verdict = data["imperatifs"]["declare"]
    assert (verdict["total"], verdict["non_satisfaits"]) == (total, failing)
    assert verdict["tous_satisfaits"] is (failing == 0)
    assert data["imperatifs"]["confirme"]["sans_reponse"] == total  # nothing confirmed yet


@pytest.mark.parametrize(
    "role,status", [("referent", 200), ("lecteur", 200), ("expert", 200), ("directeur_autre", 404)]
)
def test_score_page_shows_node_rates_both_module_rates_and_the_verdict(
    answered, network, client_for, role, status
):
    version, autodiagnostic, values = answered
    response = client_for(network.user(role)).get(
        f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/scores/"
    )
    assert response.status_code == status
    if status != 200:
        return
    html = response.content.decode()
    assert "Moyenne des thèmes" in html and "Moyenne sur tous les critères" in html
    table = html[html.index('id="noeuds"') :]
    rows = dict(
        re.findall(
            r'<th scope="row"[^>]*>(\S+) [^<]*</th><td>[^<]*</td><td class="num">([^<]*) %', table
        )
    )
    expected_rates = _expected_node_rates(version, values)
    assert set(rows) == set(expected_rates)
    for code, rate in expected_rates.items():
        assert float(rows[code].replace(",", ".")) == round(rate * 100, 1)
    total, failing = _imperative_verdict(version, values)
    expected = "tous satisfaits" if failing == 0 else f"{failing} non satisfait"
    assert "Critères impératifs (déclaré) :" in html
    assert expected in html


def test_level_ladder_finishing_a_level_one_only_confirmation_is_allowed(in_structure, network):
    """With the ladder on, the structure submits level 1; the expert confirms it all
    satisfied, which opens level 2 (not answered yet): finishing is allowed, level 2 is
    then open to the structure after reopening, and required in the next round."""
    from accompagnement.diagnostics.errors import DiagnosticError
    from core.errors import BusinessError
    from tests.factories import build_frame

    frame = build_frame([(2, 2)], options={"echelle_par_niveau": True})
    referent, expert = network.user("referent"), network.user("expert")
    autodiagnostic = services.create_autodiagnostic(
        structure=in_structure, version=frame.version, annee=2016, user=referent
    )
    reponses = {r.critere.code: r for r in autodiagnostic.reponses.select_related("critere").all()}
    level_one = [code for code, r in reponses.items() if r.critere.niveau == 1]
    level_two = [code for code, r in reponses.items() if r.critere.niveau == 2]
    assert level_one and level_two
    for code in level_one:
        services.save_answer(
            structure=network.structure,
            reponse=reponses[code],
            valeur="C",
            commentaire="",
            expected_revision=0,
            user=referent,
        )
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=referent
    )
    for code in level_one[:-1]:
        services.confirm_criterion(
            structure=network.structure, reponse=reponses[code], expert=expert
        )
    with pytest.raises(BusinessError) as refused:
        services.finish_confirmation(
            structure=network.structure, autodiagnostic=autodiagnostic, user=expert
        )
    assert refused.value.code == DiagnosticError.INCOMPLETE
    assert refused.value.details["criteres"] == level_one[-1:]  # level 1 is still required
    services.confirm_criterion(
        structure=network.structure, reponse=reponses[level_one[-1]], expert=expert
    )
    locked_before = services.is_level_locked(
        autodiagnostic, reponses[level_two[0]].critere, structure=network.structure
    )
    assert locked_before is False  # level 1 confirmed satisfied: level 2 opens
    services.finish_confirmation(
        structure=network.structure, autodiagnostic=autodiagnostic, user=expert
    )
    autodiagnostic.refresh_from_db()
    assert autodiagnostic.statut == "confirme"
    services.reopen_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=expert
    )
    services.save_answer(
        structure=network.structure,
        reponse=reponses[level_two[0]],
        valeur="PC",
        commentaire="",
        expected_revision=0,
        user=referent,
    )
    with pytest.raises(BusinessError) as incomplete:
        services.submit_autodiagnostic(
            structure=network.structure, autodiagnostic=autodiagnostic, user=referent
        )
    assert incomplete.value.details["criteres"] == level_two[1:]


def test_consolidation_gives_every_node_of_the_four_level_frame(answered, network, client_for):
    """The review snapshot keeps every node's rate; the consolidation averages them and the
    dashboard shows them (one structure: the mean is its own rate)."""
    import datetime

    from django.db import connection

    from accompagnement.bilans import services as bilans_services
    from accompagnement.reporting import selectors as reporting_selectors
    from accompagnement.reporting.models import Campagne

    version, autodiagnostic, values = answered
    campagne = Campagne.objects.create(
        libelle="S2 2016",
        semestre=2,
        annee=2016,
        echeance=datetime.date(2017, 1, 10),
        ouverte_par=network.user("federation"),
    )
    referent = network.user("referent")
    bilan = bilans_services.open_bilan(
        structure=network.structure, campagne=campagne, user=referent
    )
    bilans_services.submit_bilan(structure=network.structure, bilan=bilan, user=referent)
    connection.set_schema_to_public()
    result = reporting_selectors.consolidate(
        reporting_selectors.Scope(campagne=campagne, territoire=network.territoire)
    )
    expected = _expected_node_rates(version, values)
    assert {n["code"] for n in result["noeuds"]} == set(expected)
    for node in result["noeuds"]:
        assert node["declare"] == pytest.approx(expected[node["code"]])
    assert [n["profondeur"] for n in result["noeuds"]][:3] == [0, 1, 2]  # tree order
    imperatifs = result["imperatifs"]
    total, failing = _imperative_verdict(version, values)
    assert (imperatifs["structures"], imperatifs["non_satisfaits"]) == (1, failing)
    page = client_for(network.user("pilote")).get(
        "/reporting/tableau-de-bord/", {"campagne": campagne.pk}
    )
    html = page.content.decode()
    table = html[html.index('id="conso-noeuds"') :]
    first = result["noeuds"][0]
    assert f"{first['code']} {first['titre']}" in table
    block = html[html.index('id="conso-module"') :]
    assert "Critères impératifs" in block
    assert (
        client_for(network.user("pilote_autre"))
        .get("/reporting/tableau-de-bord/", {"campagne": campagne.pk})
        .content.decode()
        .count('id="conso-noeuds"')
        == 0
    )


def test_a_structure_can_turn_the_ladder_on_and_the_demo_does_for_one(network):
    """``Structure.echelle_par_niveau`` turns the ladder on for one structure whatever the
    frame's option; the demo's structure with it answers level 1, the expert confirms it
    and finishes, and level 2 is then open (tenants/data/demo_network.yaml: Dunkerque)."""
    import yaml
    from django_tenants.utils import tenant_context

    from accompagnement.diagnostics import demo
    from accompagnement.diagnostics.models import Autodiagnostic
    from tenants.models import Structure

    data = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "tenants/data/demo_network.yaml").read_text()
    )
    assert [s["slug"] for s in data["structures"] if s.get("echelle_par_niveau")] == [
        "saad-dunkerque"
    ]
    version, _created = ref_services.load_sample(
        path=Path(__file__).resolve().parents[2] / "referentiels/data/realisation_prestations.yaml",
        publish=True,
    )
    assert version.level_ladder is False  # the frame does not impose it
    Structure.objects.filter(pk=network.other_structure.pk).update(echelle_par_niveau=True)
    beta = Structure.objects.get(pk=network.other_structure.pk)
    with tenant_context(beta):
        demo._answered_and_confirmed(
            beta, version, network.user("directeur_autre"), network.user("expert_autre"), shift=3
        )
        autodiagnostic = Autodiagnostic.objects.get()
        assert autodiagnostic.statut == "confirme"
        level_two = list(
            autodiagnostic.reponses.filter(critere__niveau=2).select_related("critere")
        )
        assert level_two and all(r.valeur_id is None for r in level_two)
        assert not any(
            services.is_level_locked(autodiagnostic, r.critere, structure=beta) for r in level_two
        )
        level_one = autodiagnostic.reponses.filter(critere__niveau=1)
        assert not level_one.filter(valeur__isnull=True).exists()


def test_the_structure_s_ladder_holds_where_the_connection_has_no_real_tenant(network, frame):
    """The services read ``Structure.echelle_par_niveau`` from the structure they are given,
    not from the connection's tenant (a stand-in under ``schema_context``, as in a Celery
    job): a level-2 criterion stays locked there as on the pages."""
    from django_tenants.utils import schema_context

    from accompagnement.diagnostics.errors import DiagnosticError
    from core.errors import BusinessError
    from tenants.models import Structure

    Structure.objects.filter(pk=network.structure.pk).update(echelle_par_niveau=True)
    alpha = Structure.objects.get(pk=network.structure.pk)
    referent = network.user("referent")
    assert frame.version.level_ladder is False  # the frame does not impose it
    with schema_context(alpha.schema_name):
        autodiagnostic = services.create_autodiagnostic(
            structure=alpha, version=frame.version, annee=2016, user=referent
        )
        level_two = autodiagnostic.reponses.get(critere__code="4.1.3")
        with pytest.raises(BusinessError) as refused:
            services.save_answer(
                structure=alpha,
                reponse=level_two,
                valeur="C",
                commentaire="",
                expected_revision=level_two.revision,
                user=referent,
            )
    assert refused.value.code == DiagnosticError.LEVEL_LOCKED
