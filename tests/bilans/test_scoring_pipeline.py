"""One scoring pipeline, end to end: one score followed from the référent's answer through
the expert's confirmation, the submitted review and the pilot's consolidation to the XLSX,
with independent arithmetic at each step (plain weights by code, no scoring code)."""

from __future__ import annotations

import statistics
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from accompagnement.bilans import services as bilans_services
from accompagnement.diagnostics import selectors as diag_selectors
from accompagnement.diagnostics import services as diag_services
from accompagnement.reporting.models import InstantaneBilan
from referentiels import services as ref_services

SAMPLE_49 = Path(__file__).resolve().parents[2] / "referentiels/data/realisation_prestations.yaml"
WEIGHTS = {"C": 1.0, "PC": 0.5, "NC": 0.0}  # NA is excluded
DECLARED_CYCLE = ["C", "C", "PC", "NC", "C", "NA", "C"]


def _pct(rate: float) -> str:
    """As the pages show it (French decimal comma)."""
    return f"{round(rate * 100, 1):.1f}".replace(".", ",") + " %"


def _rate(values: list[str]) -> float | None:
    scored = [WEIGHTS[v] for v in values if v in WEIGHTS]
    return sum(scored) / len(scored) if scored else None


def _themes_mean(values_by_code: dict[str, str]) -> float:
    themes: dict[str, list[str]] = {}
    for code, value in values_by_code.items():
        themes.setdefault(".".join(code.split(".")[:2]), []).append(value)
    return statistics.mean(r for r in (_rate(v) for v in themes.values()) if r is not None)


def test_one_score_from_the_answer_to_the_xlsx(
    network, in_structure, campagne, client_for, api_client_for
):
    version, _created = ref_services.load_sample(path=SAMPLE_49, publish=True)
    referent, expert = network.user("referent"), network.user("expert")
    autodiagnostic = diag_services.create_autodiagnostic(
        structure=in_structure, version=version, annee=2016, user=referent, copy_previous=False
    )
    reponses = list(autodiagnostic.reponses.select_related("critere").order_by("critere__ordre"))

    # 1. The référent answers every criterion.
    declared: dict[str, str] = {}
    for index, reponse in enumerate(reponses):
        value = DECLARED_CYCLE[index % len(DECLARED_CYCLE)]
        diag_services.save_answer(
            structure=network.structure,
            reponse=reponse,
            valeur=value,
            commentaire="Procédure non écrite.",
            expected_revision=reponse.revision,
            user=referent,
        )
        declared[reponse.critere.code] = value
    diag_services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=referent
    )
    view = diag_selectors.scores_of(autodiagnostic)
    payload = diag_selectors.scores_payload(view, fractions=True)
    assert payload["module"]["declare"]["taux"] == pytest.approx(_rate(list(declared.values())))
    assert payload["module"]["definitions"]["moyenne_themes"]["declare"] == pytest.approx(
        _themes_mean(declared)
    )
    assert payload["module"]["definition_principale"] == "moyenne_themes"

    # 2. The expert lowers one "C" in three to "PC" and confirms the rest as declared.
    confirmed = dict(declared)
    for index, reponse in enumerate(reponses):
        code = reponse.critere.code
        if declared[code] == "C" and index % 3 == 0:
            diag_services.confirm_criterion(
                structure=network.structure,
                reponse=reponse,
                expert=expert,
                valeur="PC",
                commentaire="Non daté.",
            )
            confirmed[code] = "PC"
        else:
            diag_services.confirm_criterion(
                structure=network.structure, reponse=reponse, expert=expert
            )
    diag_services.finish_confirmation(
        structure=network.structure, autodiagnostic=autodiagnostic, user=expert
    )
    confirmed_rate = _rate(list(confirmed.values()))
    declared_rate = _rate(list(declared.values()))
    assert confirmed_rate < declared_rate  # the structure overestimated itself
    payload = diag_selectors.scores_payload(
        diag_selectors.scores_of(autodiagnostic), fractions=True
    )
    assert payload["module"]["confirme"]["taux"] == pytest.approx(confirmed_rate)
    assert payload["module"]["ecart"] == pytest.approx(declared_rate - confirmed_rate)

    # 3. The structure submits its review: the snapshot holds the same figures.
    bilan = bilans_services.open_bilan(
        structure=network.structure, campagne=campagne, user=referent
    )
    bilans_services.submit_bilan(structure=network.structure, bilan=bilan, user=referent)
    snapshot = InstantaneBilan.objects.get(campagne=campagne, structure=in_structure)
    assert snapshot.taux_declare == pytest.approx(declared_rate)
    assert snapshot.taux_confirme == pytest.approx(confirmed_rate)
    assert snapshot.indicateurs["moyenne_themes"]["confirme"] == pytest.approx(
        _themes_mean(confirmed)
    )
    expected_targets = {
        code: WEIGHTS.get(value) == 1.0 if value != "NA" else None
        for code, value in confirmed.items()
        if code in {"4.2.1", "4.2.9", "4.3.1", "4.3.2", "4.3.7", "4.6.2", "4.4.8", "4.4.9"}
    }
    assert snapshot.indicateurs["criteres_cibles"] == expected_targets

    # The review page shows both module rates and the frame's headline.
    page = client_for(referent).get(f"/s/alpha/bilans/{bilan.pk}/").content.decode()
    block = page[page.index('id="bilan-module"') :]
    assert "Moyenne des thèmes" in block and "taux principal" in block
    assert _pct(_themes_mean(confirmed)) in block and _pct(confirmed_rate) in block
    assert (
        client_for(network.user("directeur_autre")).get(f"/s/alpha/bilans/{bilan.pk}/").status_code
        == 404
    )

    # 4. The pilot's consolidation (API) of the territory.
    response = api_client_for(network.user("pilote")).get(
        "/api/v1/consolidation/", {"campagne": campagne.pk}
    )
    assert response.status_code == 200
    module = response.json()["module"]
    assert module["confirme"] == pytest.approx(confirmed_rate)
    by_code = {d["code"]: d for d in module["definitions"]}
    assert by_code["moyenne_themes"]["confirme"] == pytest.approx(_themes_mean(confirmed))
    assert by_code["moyenne_criteres"]["declare"] == pytest.approx(declared_rate)
    assert by_code["moyenne_themes"]["principal"] is True
    # Another territory's pilot does not get this structure's figures.
    other = api_client_for(network.user("pilote_autre")).get(
        "/api/v1/consolidation/", {"campagne": campagne.pk}
    )
    assert other.status_code == 200 and other.json()["module"]["confirme"] is None

    dashboard = client_for(network.user("pilote")).get(
        "/reporting/tableau-de-bord/", {"campagne": campagne.pk}
    )
    block = dashboard.content.decode()
    block = block[block.index('id="conso-module"') :]
    assert "Moyenne des thèmes" in block and "Moyenne sur tous les critères" in block
    assert _pct(_themes_mean(confirmed)) in block

    # 5. The XLSX: the "Module" sheet shows both definitions in %, rounded to one decimal.
    xlsx = client_for(network.user("pilote")).get(
        "/reporting/consolidation.xlsx", {"campagne": campagne.pk}
    )
    assert xlsx.status_code == 200
    rows = list(load_workbook(BytesIO(xlsx.content))["Module"].iter_rows(values_only=True))
    assert rows[1][1:3] == (round(declared_rate * 100, 1), round(confirmed_rate * 100, 1))
    assert rows[2][1:3] == (
        round(_themes_mean(declared) * 100, 1),
        round(_themes_mean(confirmed) * 100, 1),
    )
    assert rows[2][4] == "oui"
    structures = list(
        load_workbook(BytesIO(xlsx.content))["Structures"].iter_rows(values_only=True)
    )
    assert structures[1][0] == in_structure.nom
    assert structures[1][2] == round(confirmed_rate * 100, 1)
