"""Import: every error listed with its place, nothing created; export → import identical."""

from __future__ import annotations

import io
import json
import os

import pytest
import yaml

from core.errors import BusinessError
from referentiels import services
from referentiels.io import canonical_dump, export_version
from referentiels.models import Critere, Noeud, Referentiel, ReferentielVersion
from tests.referentiels.conftest import ESSMS, SAMPLE

MINIMAL = {
    "format": "qualireseau-referentiel/1",
    "referentiel": {"code": "mini", "titre": "Mini"},
    "version": {"numero": "1", "types_noeuds": ["theme", "objectif"]},
    "echelle": {
        "code": "c",
        "libelle": "Conformité",
        "valeurs": [
            {"code": "C", "libelle": "Conforme", "poids": 1},
            {"code": "NC", "libelle": "Non conforme", "poids": 0},
        ],
    },
    "noeuds": [
        {
            "code": "1",
            "type": "theme",
            "titre": "Thème",
            "enfants": [
                {
                    "code": "1-N1",
                    "type": "objectif",
                    "titre": "Objectif",
                    "niveau": 1,
                    "criteres": [
                        {"code": "1.1", "titre": "Critère un", "niveau": 1},
                    ],
                },
            ],
        }
    ],
}


def _counts() -> tuple[int, int, int, int]:
    return (
        Referentiel.objects.count(),
        ReferentielVersion.objects.count(),
        Noeud.objects.count(),
        Critere.objects.count(),
    )


def _refused(content: bytes, filename: str) -> list[dict]:
    before = _counts()
    with pytest.raises(BusinessError) as caught:
        services.import_version(content=content, filename=filename)
    assert _counts() == before, "nothing may be created by a refused import"
    return caught.value.errors


def test_minimal_file_imports_as_draft(db):
    version = services.import_version(
        content=yaml.safe_dump(MINIMAL).encode(), filename="mini.yaml"
    )
    assert version.statut == ReferentielVersion.Statut.BROUILLON
    assert version.criteres.get().urn == "mini:1.1"


def test_malformed_yaml_lists_every_error_with_line_and_field(db):
    text = SAMPLE.read_text(encoding="utf-8")
    # missing title on 4.1.2, duplicate code 4.1.1, weight outside 0..1, wrong type for imperatif
    text = text.replace(
        '- code: "4.1.2"\n            titre: "La structure dispose',
        '- code: "4.1.1"\n            intitule: "La structure dispose',
        1,
    )
    text = text.replace("poids: 0.5,", "poids: 1.5,", 1)
    text = text.replace("imperatif: false", "imperatif: [1, 2]", 1)
    errors = _refused(text.encode(), "sample.yaml")
    by_field = {(error["code"], error["field"]) for error in errors}
    crit = "noeuds[0].enfants[0].criteres[1]"
    assert ("duplicate_code", f"{crit}.code") in by_field
    assert ("invalid", f"{crit}.titre") in by_field  # missing
    assert ("invalid", f"{crit}.intitule") in by_field  # unknown field
    assert ("invalid", "echelle.valeurs[1].poids") in by_field
    assert ("invalid", "noeuds[0].enfants[0].criteres[0].imperatif") in by_field
    assert all("line" in error for error in errors)
    assert all(error["message"].startswith("Ligne ") for error in errors)
    missing_title = next(e for e in errors if e["field"] == f"{crit}.titre")
    assert "critère 4.1.1, champ « titre »" in missing_title["message"]
    assert "noeuds[" not in missing_title["message"]
    duplicate = next(e for e in errors if e["code"] == "duplicate_code")
    assert text.splitlines()[duplicate["line"] - 1].strip() == '- code: "4.1.1"'


def test_bad_scale_and_unknown_theme_are_listed(db):
    data = json.loads(json.dumps(MINIMAL))
    data["echelle"]["valeurs"] = [
        {"code": "C", "libelle": "A", "poids": "beaucoup"},
        {"code": "C", "libelle": "B", "poids": 0},
    ]
    data["noeuds"][0]["enfants"][0]["type"] = "chapitre"
    errors = _refused(json.dumps(data, indent=2).encode(), "mini.json")
    codes = {(e["code"], e["field"]) for e in errors}
    assert ("invalid", "echelle.valeurs[0].poids") in codes
    assert ("duplicate_code", "echelle.valeurs[1].code") in codes
    assert ("invalid", "noeuds[0].enfants[0].type") in codes
    assert all(e.get("line") for e in errors)  # JSON errors carry lines too


def test_scale_without_values_and_missing_sections_are_refused(db):
    data = {
        "format": "qualireseau-referentiel/1",
        "referentiel": {"code": "x", "titre": "X"},
        "version": {},
        "echelle": {"valeurs": []},
    }
    errors = _refused(yaml.safe_dump(data).encode(), "x.yaml")
    fields = {e["field"] for e in errors}
    assert {
        "version.numero",
        "echelle.code",
        "echelle.libelle",
        "echelle.valeurs",
        "noeuds",
    } <= fields


def test_junk_of_6_mb_is_refused_at_once(db):
    errors = _refused(os.urandom(6 * 1024 * 1024), "junk.yaml")
    assert [e["code"] for e in errors] == ["file_too_large"]


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (os.urandom(200_000), "junk.yaml", "file_unreadable"),
        (b"PK\x03\x04" + os.urandom(5000), "junk.xlsx", "file_unreadable"),
        (b'{"format": ', "broken.json", "file_unreadable"),
        (b"a: &x [1]\nb: *x\n", "alias.yaml", "file_unreadable"),
        (b"key: 1\nkey: 2\n", "dup.yaml", "file_unreadable"),
        (b"just text", "notes.txt", "file_type"),
        (b"- 1\n- 2\n", "list.yaml", "invalid"),
    ],
)
def test_unreadable_files_are_refused_with_a_french_message(db, content, filename, code):
    errors = _refused(content, filename)
    assert errors[0]["code"] == code
    assert errors[0]["message"]


def test_same_version_number_twice_is_refused(db):
    services.import_version(content=yaml.safe_dump(MINIMAL).encode(), filename="mini.yaml")
    errors = _refused(yaml.safe_dump(MINIMAL).encode(), "mini.yaml")
    assert errors[0]["code"] == "version_exists"


@pytest.mark.parametrize("fmt", ["yaml", "json", "xlsx"])
@pytest.mark.parametrize("path", [SAMPLE, ESSMS])
def test_export_then_import_gives_an_identical_version(db, fmt, path):
    original = services.load_sample(path=path, publish=True)[0]
    content, _content_type, filename = export_version(original, fmt)
    dump = canonical_dump(original)
    # Import under another frame code/number so both live side by side, then compare.
    reimported = services.import_version(content=_renumber(content, fmt), filename=filename)
    assert (
        canonical_dump(reimported).replace('"numero": "copie"', f'"numero": "{original.numero}"')
        == dump
    )


def _renumber(content: bytes, fmt: str) -> bytes:
    if fmt == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content))
        for row in workbook["Référentiel"].iter_rows():
            if row[0].value == "version.numero":
                row[1].value = "copie"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    data = yaml.safe_load(content) if fmt == "yaml" else json.loads(content)
    data["version"]["numero"] = "copie"
    return (
        yaml.safe_dump(data, allow_unicode=True).encode()
        if fmt == "yaml"
        else json.dumps(data).encode()
    )


def test_xlsx_errors_name_sheet_and_row(db, sample_version):
    from openpyxl import load_workbook

    content, _ct, _fn = export_version(sample_version, "xlsx")
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Critères"]
    sheet["B5"] = "9.9-inconnu"  # noeud of the 4th criterion
    sheet["A6"] = sheet["A7"].value  # duplicate code
    sheet["K8"] = "peut-être"  # imperatif
    buffer = io.BytesIO()
    workbook.save(buffer)
    errors = _refused(buffer.getvalue(), "frame.xlsx")
    places = {(e["code"], e.get("sheet"), e.get("row")) for e in errors}
    assert ("unknown_parent", "Critères", 5) in places
    assert ("duplicate_code", "Critères", 7) in places
    assert ("invalid", "Critères", 8) in places
    assert ("version_exists", None, None) not in places  # validation errors come first
    assert all("Feuille « Critères », ligne" in e["message"] for e in errors)
