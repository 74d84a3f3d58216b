"""Writing a version: the flat document, then YAML, JSON or XLSX (same format as import)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml

from referentiels.io import reading, schema
from referentiels.models import ReferentielVersion

EXPORT_FORMATS = {
    "yaml": ("application/yaml; charset=utf-8", "yaml"),
    "json": ("application/json; charset=utf-8", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def default_urn(referentiel_code: str, code: str) -> str:
    return f"{referentiel_code}:{code}"


def _weight(value: Decimal) -> float | int:
    number = Decimal(value).normalize()
    return int(number) if number == number.to_integral_value() else float(number)


def version_document(version: ReferentielVersion) -> dict[str, Any]:
    """The flat document of a version (what an import of its export reads back)."""
    from referentiels import selectors

    version = selectors.version_with_tree(version.pk)
    ref_code = version.referentiel.code
    echelle = getattr(version, "echelle", None)
    noeuds = list(version.noeuds.all())
    # by id; a missing link (a None id) finds nothing
    codes: dict[int | None, str] = {noeud.pk: noeud.code for noeud in noeuds}
    criteres = list(version.criteres.all())
    critere_codes: dict[int | None, str] = {critere.pk: critere.code for critere in criteres}
    return {
        "format": schema.FORMAT_ID,
        "referentiel": {
            "code": ref_code,
            "titre": version.referentiel.titre,
            "description": version.referentiel.description,
        },
        "version": {
            "numero": version.numero,
            "libelle": version.libelle,
            "echantillon": version.echantillon,
            "avertissement": version.avertissement,
            "options": dict(version.options or {}),
            "types_noeuds": list(version.types_noeuds or []),
        },
        "echelle": {
            "code": echelle.code if echelle else "",
            "libelle": echelle.libelle if echelle else "",
            "valeurs": [
                {
                    "code": valeur.code,
                    "libelle": valeur.libelle,
                    "poids": _weight(valeur.poids),
                    "exclue": valeur.exclue,
                    "commentaire_obligatoire": valeur.commentaire_obligatoire,
                }
                for valeur in (echelle.valeurs.all() if echelle else [])
            ],
        },
        "noeuds": [
            {
                "code": noeud.code,
                "parent": codes.get(noeud.parent_id),
                "type": noeud.type,
                "titre": noeud.titre,
                "description": noeud.description,
                "niveau": noeud.niveau,
                "urn": noeud.urn,
            }
            for noeud in noeuds
        ],
        "criteres": [
            {
                "code": critere.code,
                "noeud": codes[critere.noeud_id],
                "titre": critere.titre,
                "niveau": critere.niveau,
                "explication": critere.explication,
                "exemples": critere.exemples,
                "contenu_attendu": critere.contenu_attendu,
                "sources": list(critere.sources or []),
                "preuves": list(critere.preuves or []),
                "type_livrable": critere.type_livrable,
                "imperatif": critere.imperatif,
                "indicateur_effectivite": critere.indicateur_effectivite,
                "applicabilite": list(critere.applicabilite or []),
                "urn": critere.urn,
            }
            for critere in criteres
        ],
        "documents": [
            {
                "titre": document.titre,
                "type": document.type,
                "texte": document.texte,
                "noeud": codes.get(document.noeud_id, ""),
                "critere": critere_codes.get(document.critere_id, ""),
            }
            for document in version.documents.all()
        ],
    }


def canonical_dump(version: ReferentielVersion) -> str:
    """A stable text of everything a version holds (no ids, no dates): two versions with the
    same dump are identical frames."""
    return json.dumps(
        version_document(version), ensure_ascii=False, sort_keys=True, indent=1, default=str
    )


# --- nested YAML / JSON --------------------------------------------------------------------


def nested_document(document: dict[str, Any]) -> dict[str, Any]:
    """The flat document as the tree of the reference files (nodes hold enfants/criteres)."""
    ref_code = document["referentiel"]["code"]
    children: dict[str | None, list[dict]] = {}
    for noeud in document["noeuds"]:
        children.setdefault(noeud["parent"], []).append(noeud)
    criteres: dict[str, list[dict]] = {}
    for critere in document["criteres"]:
        criteres.setdefault(critere["noeud"], []).append(critere)

    def critere_out(critere: dict) -> dict:
        out = {key: value for key, value in critere.items() if key not in ("noeud", "urn")}
        out["type_livrable"] = critere["type_livrable"] or None
        if critere["urn"] != default_urn(ref_code, critere["code"]):
            out["urn"] = critere["urn"]
        return out

    def node_out(noeud: dict) -> dict:
        out = {key: noeud[key] for key in ("code", "type", "titre", "description", "niveau")}
        if noeud["urn"] != default_urn(ref_code, noeud["code"]):
            out["urn"] = noeud["urn"]
        if children.get(noeud["code"]):
            out["enfants"] = [node_out(child) for child in children[noeud["code"]]]
        if criteres.get(noeud["code"]):
            out["criteres"] = [critere_out(critere) for critere in criteres[noeud["code"]]]
        return out

    nested = {
        "format": document["format"],
        "referentiel": document["referentiel"],
        "version": document["version"],
        "echelle": document["echelle"],
        "noeuds": [node_out(noeud) for noeud in children.get(None, [])],
    }
    if document["documents"]:
        nested["documents"] = [
            {key: value for key, value in item.items() if value not in ("", None) or key == "titre"}
            for item in document["documents"]
        ]
    return nested


def export_version(version: ReferentielVersion, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of a version in ``fmt`` (yaml, json or xlsx)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(fmt)
    document = version_document(version)
    content_type, extension = EXPORT_FORMATS[fmt]
    filename = f"{document['referentiel']['code']}-{version.numero}.{extension}".replace("/", "-")
    if fmt == "yaml":
        content = yaml.safe_dump(
            nested_document(document), allow_unicode=True, sort_keys=False, width=120
        ).encode()
    elif fmt == "json":
        content = json.dumps(nested_document(document), ensure_ascii=False, indent=2).encode()
    else:
        content = _xlsx(document)
    return content, content_type, filename


# --- XLSX ----------------------------------------------------------------------------------


def _cell(value: Any, column: str) -> Any:
    if isinstance(value, list):
        separator = ", " if column in ("applicabilite", "types_noeuds") else "\n"
        return separator.join(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return value


def _xlsx(document: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from core.xlsx import append_row, to_bytes

    workbook = Workbook()
    info = workbook.active
    info.title = reading.SHEET_INFO
    append_row(info, ["champ", "valeur"])
    append_row(info, ["format", document["format"]])
    for section in ("referentiel", "version", "echelle"):
        for key, value in document[section].items():
            if key != "valeurs":
                append_row(info, [f"{section}.{key}", _cell(value, key)])
    tables = (
        (reading.SHEET_ECHELLE, reading.VALEUR_COLUMNS, document["echelle"]["valeurs"]),
        (reading.SHEET_NOEUDS, reading.NOEUD_COLUMNS, document["noeuds"]),
        (reading.SHEET_CRITERES, reading.CRITERE_COLUMNS, document["criteres"]),
        (reading.SHEET_DOCUMENTS, reading.DOCUMENT_COLUMNS, document["documents"]),
    )
    for title, columns, rows in tables:
        sheet = workbook.create_sheet(title)
        append_row(sheet, list(columns))
        for row in rows:
            append_row(sheet, [_cell(row.get(column), column) for column in columns])
    for sheet in workbook.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            letter = column[0].column_letter
            sheet.column_dimensions[letter].width = 18 if letter in "ABCD" else 40
            for cell in column[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return to_bytes(workbook)
