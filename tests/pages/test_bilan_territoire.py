"""The UT review is pre-filled with its structures' consolidated indicators, shown on the
page and in its PDF (laid out like the structure review's)."""

from __future__ import annotations

from accompagnement.reporting import services
from tests.bilans.conftest import campagne  # noqa: F401 (fixture)
from tests.bilans.test_consolidation import make_structures, snapshot


def test_ut_review_shows_the_consolidated_indicators_and_has_a_pdf(network, client_for, campagne):  # noqa: F811
    for structure in make_structures(network, 3):
        snapshot(campagne, structure, taux_declare=0.5, taux_confirme=0.4, reclamations=2)
    bilan = services.open_bilan_territoire(
        campagne=campagne, territoire=network.territoire, user=network.user("pilote")
    )
    client = client_for(network.user("pilote"))
    page = client.get(f"/reporting/bilans-territoire/{bilan.pk}/").content.decode()
    assert 'data-testid="indicateurs-ut"' in page
    assert "Taux de conformité déclaré (moyenne)" in page and "50,0 %" in page and "40,0 %" in page
    assert "Soumettre le bilan…" in page
    pdf_url = f"/reporting/bilans-territoire/{bilan.pk}/bilan.pdf"
    assert f'href="{pdf_url}"' in page
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content if response.streaming else [response.content])[:4]
        == b"%PDF"
    )
    for role in ("pilote_autre", "directeur", "expert"):
        other = client_for(network.user(role))
        assert other.get(pdf_url).status_code == 404, role
        assert other.get(f"/reporting/bilans-territoire/{bilan.pk}/").status_code == 404, role
