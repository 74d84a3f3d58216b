"""Indicator keys and booleans are labelled for people: the consolidation XLSX and the
anonymised comparison show labels, "oui"/"non", never ``taux_declare`` or TRUE/FALSE."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from accompagnement.reporting.aggregates import HEADLINE_RATES
from accompagnement.reporting.labels import INDICATOR_LABELS
from tests.bilans.conftest import campagne  # noqa: F401 (fixture)
from tests.bilans.test_consolidation import make_structures, snapshot


def test_every_headline_rate_has_a_label():
    assert set(HEADLINE_RATES) <= set(INDICATOR_LABELS)


def test_consolidation_xlsx_speaks_french(network, client_for, campagne):  # noqa: F811
    for index, structure in enumerate(make_structures(network, 3)):
        snapshot(
            campagne,
            structure,
            taux_declare=0.5,
            tous_niveau1=index == 0,
            tous_niveau2=False,
            criteres={"4.2.1": True},
        )
    response = client_for(network.user("pilote")).get(
        "/reporting/consolidation.xlsx", {"campagne": campagne.pk}
    )
    workbook = load_workbook(BytesIO(response.content))
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert not any(isinstance(cell, bool) for cell in cells)
    texts = {cell for cell in cells if isinstance(cell, str)}
    assert {"oui", "non"} <= texts
    assert not any("_" in text for text in texts), sorted(t for t in texts if "_" in t)
    assert "Taux de conformité déclaré" in texts and "Réalisation" in texts


def test_audit_log_details_are_labelled(network, client_for):
    from tenants import services
    from tenants.models import User

    newcomer = User.objects.create_user(email="nouvelle@test.example", password="x-42-long-pwd")
    services.set_membership(
        user=newcomer, structure=network.structure, role="referent", by=network.user("federation")
    )
    page = client_for(network.user("federation")).get("/reseau/journal/").content.decode()
    assert "Rôle : Référent·e technique" in page
    assert "role : referent" not in page


def test_no_hand_made_plural_in_templates_and_messages():
    """Plurals are ngettext / {% blocktrans count %}: no "(s)" left in what people read."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = []
    for folder in ("accompagnement", "tenants", "core", "referentiels"):
        for path in (root / folder).rglob("*"):
            if path.suffix not in {".html", ".txt"} and not (
                path.suffix == ".py" and path.name in {"views.py", "hooks.py", "views_action.py"}
            ):
                continue
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".py":
                text = "\n".join(re.findall(r'_\(\s*"[^"]*"', text))
            if re.search(r"\w\(s\)", text):
                found.append(str(path.relative_to(root)))
    assert not found, found


def test_criterion_page_names_its_deliverable_type(network, client_for):
    from accompagnement.groupes.services import load_types_livrable
    from referentiels import services
    from tests.factories import build_frame

    load_types_livrable()
    frame = build_frame(publish=False)  # a draft: its criteria may still change
    critere = frame.critere("4.2.1")
    services.save_critere(
        version=frame.version,
        noeud=critere.noeud,
        code=critere.code,
        titre=critere.titre,
        critere=critere,
        type_livrable="livret-accueil",
    )
    page = client_for(network.user("federation")).get(
        f"/referentiels/versions/{frame.version.pk}/criteres/4.2.1/"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Livret d&#x27;accueil" in html and "livret-accueil" not in html
