"""Reading a file (YAML, JSON or XLSX) into the flat document, with locations.

Only the *shape* is checked here (mappings, lists, known sheets and columns); field types
and cross references are checked by ``validation``. File-level problems (too large, not
UTF-8, not parseable) are refused at once with a ``BusinessError``.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.utils.translation import gettext as _

from core import tabular
from referentiels.errors import ReferentielError
from referentiels.io import schema
from referentiels.io.errors import ImportErrors, Loc, file_error

XLSX_MAGIC = b"PK\x03\x04"
# A frame has a few hundred criteria; the zip may not expand past MAX_XLSX_UNCOMPRESSED.
XLSX_LIMITS = tabular.DEFAULT_LIMITS.but(
    max_bytes=schema.MAX_IMPORT_SIZE,
    max_unpacked=schema.MAX_XLSX_UNCOMPRESSED,
    max_rows=20_000,
    max_columns=40,
)
SHEET_INFO = "Référentiel"
SHEET_ECHELLE = "Échelle"
SHEET_NOEUDS = "Nœuds"
SHEET_CRITERES = "Critères"
SHEET_DOCUMENTS = "Documents"
NOEUD_COLUMNS = ("code", "parent", "type", "titre", "description", "niveau", "urn")
CRITERE_COLUMNS = (
    "code",
    "noeud",
    "titre",
    "niveau",
    "explication",
    "exemples",
    "contenu_attendu",
    "sources",
    "preuves",
    "type_livrable",
    "imperatif",
    "indicateur_effectivite",
    "applicabilite",
    "urn",
)
VALEUR_COLUMNS = ("code", "libelle", "poids", "exclue", "commentaire_obligatoire")
DOCUMENT_COLUMNS = ("titre", "type", "texte", "noeud", "critere")
REQUIRED_COLUMNS = {
    SHEET_NOEUDS: ("code", "type", "titre"),
    SHEET_CRITERES: ("code", "noeud", "titre"),
    SHEET_ECHELLE: ("code", "libelle", "poids"),
}


def empty_document() -> dict[str, Any]:
    return {
        "format": None,
        "referentiel": {},
        "version": {},
        "echelle": {"valeurs": []},
        "noeuds": [],
        "criteres": [],
        "documents": [],
        "_loc": Loc(),
    }


def check_size(size: int) -> None:
    """Refuse a file over the import limit (before reading it, when the size is known)."""
    if size > schema.MAX_IMPORT_SIZE:
        raise file_error(
            ReferentielError.FILE_TOO_LARGE,
            _("Le fichier pèse %(size)s Mo : la limite est de %(max)s Mo.")
            % {
                "size": round(size / 1024 / 1024, 1),
                "max": round(schema.MAX_IMPORT_SIZE / 1024 / 1024, 1),
            },
        )


def read_document(content: bytes, filename: str = "") -> tuple[dict[str, Any], ImportErrors]:
    """The flat document of a file, and the shape errors found while reading it."""
    check_size(len(content))
    if not content.strip():
        raise file_error(ReferentielError.FILE_UNREADABLE, _("Le fichier est vide."))
    name = filename.lower()
    if content.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name and not name.endswith((".yaml", ".yml", ".json")):
        raise file_error(
            ReferentielError.FILE_TYPE,
            _(
                "Type de fichier non pris en charge : utilisez un fichier YAML (.yaml), JSON (.json) ou Excel (.xlsx)."
            ),
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_error(
            ReferentielError.FILE_UNREADABLE,
            _(
                "Le fichier n'est pas un texte UTF-8 (YAML ou JSON) ni un classeur Excel : il ne peut pas être lu."
            ),
        ) from None
    if "\x00" in text:
        raise file_error(
            ReferentielError.FILE_UNREADABLE,
            _("Le fichier contient des caractères binaires : il ne peut pas être lu."),
        )
    if name.endswith(".json") or text.lstrip().startswith(("{", "[")):
        data = _load_json(text)
    else:
        data = _load_yaml(text)
    errors = ImportErrors()
    return _flatten_tree(data, errors), errors


# --- YAML / JSON ---------------------------------------------------------------------------


class LocatedDict(dict):
    """A mapping read from YAML, remembering its line and each key's line."""

    line: int | None = None
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    """Safe YAML loading that records lines and refuses aliases (no billion laughs)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, _("les alias YAML (*ancre) ne sont pas acceptés"), event.start_mark
            )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    mapping = LocatedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, _("clé de type inattendu"), key_node.start_mark
            )
        key = str(key)
        if key in mapping:
            duplicates.append((key, key_node.start_mark.line + 1))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    if duplicates:
        key, line = duplicates[0]
        raise yaml.constructor.ConstructorError(
            None,
            None,
            _("clé « %(key)s » en double (ligne %(line)s)") % {"key": key, "line": line},
            node.start_mark,
        )
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _(" (ligne %(line)s)") % {"line": mark.line + 1} if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise file_error(
            ReferentielError.FILE_UNREADABLE,
            _("Le fichier YAML ne peut pas être lu%(where)s : %(problem)s.")
            % {"where": where, "problem": problem},
        ) from None
    except RecursionError:
        raise file_error(
            ReferentielError.FILE_UNREADABLE, _("Le fichier est trop profondément imbriqué.")
        ) from None


def _load_json(text: str) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise file_error(
            ReferentielError.FILE_UNREADABLE,
            _("Le fichier JSON ne peut pas être lu (ligne %(line)s, colonne %(col)s) : %(msg)s.")
            % {"line": error.lineno, "col": error.colno, "msg": error.msg},
        ) from None
    except RecursionError:
        raise file_error(
            ReferentielError.FILE_UNREADABLE, _("Le fichier est trop profondément imbriqué.")
        ) from None
    # JSON is (nearly) YAML: read it again with lines when that gives the same data.
    try:
        located = yaml.load(text, Loader=_LineLoader)  # noqa: S506
    except (yaml.YAMLError, RecursionError):
        return data
    return located if located == data else data


def _loc_of(value: Any, path: str) -> Loc:
    if isinstance(value, LocatedDict):
        return Loc(path=path, line=value.line, key_lines=dict(value.key_lines))
    return Loc(path=path)


def _mapping(value: Any, path: str, errors: ImportErrors, parent_loc: Loc, key: str) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        errors.add(
            ReferentielError.INVALID, _("une section (clé: valeur) est attendue."), parent_loc, key
        )
        return None
    return value


def _entry(raw: dict, loc: Loc, extra: dict | None = None) -> dict[str, Any]:
    entry = {key: value for key, value in raw.items() if key not in ("enfants", "criteres")}
    entry.update(extra or {})
    code = raw.get("code")
    if code and not loc.label and not loc.sheet:
        kind = _("critère") if loc.path.rsplit(".", 1)[-1].startswith("criteres[") else _("nœud")
        loc.label = f"{kind} {code}"
    entry["_loc"] = loc
    return entry


def _flatten_tree(data: Any, errors: ImportErrors) -> dict[str, Any]:
    document = empty_document()
    root = _loc_of(data, "")
    document["_loc"] = root
    if not isinstance(data, dict):
        errors.add(
            ReferentielError.INVALID,
            _(
                "le fichier doit décrire un référentiel (format, referentiel, version, echelle, noeuds)."
            ),
            root,
        )
        return document
    document["format"] = data.get("format")
    for section in ("referentiel", "version", "echelle"):
        value = _mapping(data.get(section), section, errors, root, section)
        if value is not None:
            document[section] = dict(value)
            document[section]["_loc"] = _loc_of(value, section)
        else:
            document[section] = {"_loc": root.child(section, root.key_lines.get(section))}
    valeurs = document["echelle"].get("valeurs")
    document["echelle"]["valeurs"] = []
    if valeurs is not None and not isinstance(valeurs, list):
        errors.add(
            ReferentielError.INVALID,
            _("une liste de valeurs est attendue."),
            document["echelle"]["_loc"],
            "valeurs",
        )
    for index, valeur in enumerate(valeurs if isinstance(valeurs, list) else []):
        path = f"echelle.valeurs[{index}]"
        if not isinstance(valeur, dict):
            errors.add(
                ReferentielError.INVALID,
                _("une valeur (code, libelle, poids…) est attendue."),
                document["echelle"]["_loc"],
                f"valeurs[{index}]",
            )
            continue
        document["echelle"]["valeurs"].append(_entry(valeur, _loc_of(valeur, path)))
    noeuds = data.get("noeuds")
    if noeuds is not None and not isinstance(noeuds, list):
        errors.add(ReferentielError.INVALID, _("une liste de nœuds est attendue."), root, "noeuds")
        noeuds = []
    _walk_nodes(noeuds or [], None, "noeuds", 1, document, errors, root)
    documents = data.get("documents")
    if documents is not None and not isinstance(documents, list):
        errors.add(
            ReferentielError.INVALID, _("une liste de documents est attendue."), root, "documents"
        )
        documents = []
    for index, item in enumerate(documents or []):
        path = f"documents[{index}]"
        if not isinstance(item, dict):
            errors.add(
                ReferentielError.INVALID, _("un document (titre, texte…) est attendu."), root, path
            )
            continue
        document["documents"].append(_entry(item, _loc_of(item, path)))
    return document


def _walk_nodes(
    items: list,
    parent: str | None,
    path: str,
    depth: int,
    document: dict,
    errors: ImportErrors,
    parent_loc: Loc,
) -> None:
    if depth > schema.MAX_DEPTH:
        errors.add(
            ReferentielError.INVALID,
            _("l'arbre dépasse %(n)s niveaux de nœuds.") % {"n": schema.MAX_DEPTH},
            parent_loc,
        )
        return
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            errors.add(
                ReferentielError.INVALID,
                _("un nœud (code, type, titre…) est attendu."),
                parent_loc,
                item_path,
            )
            continue
        loc = _loc_of(item, item_path)
        document["noeuds"].append(_entry(item, loc, {"parent": parent}))
        code = item.get("code")
        code = str(code) if code is not None else None
        children = item.get("enfants")
        if children is not None and not isinstance(children, list):
            errors.add(
                ReferentielError.INVALID,
                _("une liste de nœuds enfants est attendue."),
                loc,
                "enfants",
            )
        elif children:
            _walk_nodes(children, code, f"{item_path}.enfants", depth + 1, document, errors, loc)
        criteres = item.get("criteres")
        if criteres is not None and not isinstance(criteres, list):
            errors.add(
                ReferentielError.INVALID, _("une liste de critères est attendue."), loc, "criteres"
            )
            continue
        for position, critere in enumerate(criteres or []):
            critere_path = f"{item_path}.criteres[{position}]"
            if not isinstance(critere, dict):
                errors.add(
                    ReferentielError.INVALID,
                    _("un critère (code, titre…) est attendu."),
                    loc,
                    f"criteres[{position}]",
                )
                continue
            document["criteres"].append(
                _entry(critere, _loc_of(critere, critere_path), {"noeud": code})
            )


# --- XLSX ----------------------------------------------------------------------------------


def _read_xlsx(content: bytes) -> tuple[dict[str, Any], ImportErrors]:
    try:
        workbook = tabular.open_workbook(content, XLSX_LIMITS)
    except tabular.TableError as error:
        code = (
            ReferentielError.FILE_UNREADABLE
            if error.code == tabular.TableErrorCode.UNREADABLE
            else ReferentielError.FILE_TOO_LARGE
        )
        message = (
            _("Le classeur Excel ne peut pas être lu (fichier .xlsx endommagé ou d'un autre type).")
            if error.code == tabular.TableErrorCode.UNREADABLE
            else error.message
        )
        raise file_error(code, message) from None
    errors = ImportErrors()
    document = empty_document()
    try:
        sheets = {sheet.title: sheet for sheet in workbook.worksheets}
        for required in (SHEET_INFO, SHEET_ECHELLE, SHEET_NOEUDS, SHEET_CRITERES):
            if required not in sheets:
                errors.add(
                    ReferentielError.INVALID,
                    _("la feuille « %(sheet)s » manque dans le classeur.") % {"sheet": required},
                )
        if SHEET_INFO in sheets:
            _read_info_sheet(sheets[SHEET_INFO], document, errors)
        document["echelle"]["valeurs"] = _read_table(
            sheets.get(SHEET_ECHELLE), SHEET_ECHELLE, VALEUR_COLUMNS, errors
        )
        document["noeuds"] = _read_table(
            sheets.get(SHEET_NOEUDS), SHEET_NOEUDS, NOEUD_COLUMNS, errors
        )
        document["criteres"] = _read_table(
            sheets.get(SHEET_CRITERES), SHEET_CRITERES, CRITERE_COLUMNS, errors
        )
        document["documents"] = _read_table(
            sheets.get(SHEET_DOCUMENTS), SHEET_DOCUMENTS, DOCUMENT_COLUMNS, errors
        )
    finally:
        workbook.close()
    for entry in document["noeuds"]:
        entry["parent"] = entry.get("parent") or None
    return document, errors


def _rows(sheet):
    """Non-empty rows of a sheet, streamed within ``XLSX_LIMITS`` (``core.tabular``)."""
    try:
        yield from tabular.sheet_rows(sheet, XLSX_LIMITS)
    except tabular.TableError as error:
        raise file_error(ReferentielError.FILE_TOO_LARGE, error.message) from None


def _read_info_sheet(sheet, document: dict, errors: ImportErrors) -> None:
    """Sheet "Référentiel": two columns (champ, valeur), e.g. ``version.numero | 2014``."""
    sections = {
        "referentiel": document["referentiel"],
        "version": document["version"],
        "echelle": document["echelle"],
    }
    for section, values in sections.items():
        values["_loc"] = Loc(path=section, sheet=SHEET_INFO)
    for number, row in _rows(sheet):
        key = str(row[0]).strip() if row and row[0] is not None else ""
        value = row[1] if len(row) > 1 else None
        if number == 1 and key.lower() == "champ":
            continue
        if key == "format":
            document["format"] = value
            continue
        section, _dot, name = key.partition(".")
        if section not in sections or not name:
            errors.add(
                ReferentielError.INVALID,
                _("champ « %(key)s » inconnu.") % {"key": key},
                Loc(sheet=SHEET_INFO, row=number),
            )
            continue
        if name == "options" and isinstance(value, str) and value.strip():
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                errors.add(
                    ReferentielError.INVALID,
                    _(
                        'les options doivent être écrites en JSON, par exemple {"echelle_par_niveau": false}.'
                    ),
                    Loc(sheet=SHEET_INFO, row=number),
                    key,
                )
                continue
        sections[section][name] = value
        sections[section]["_loc"].key_lines[name] = number
    for values in sections.values():
        # Report each field of this sheet on its own row.
        values["_loc"] = _InfoLoc(values["_loc"])


class _InfoLoc(Loc):
    """Errors of the info sheet point at the row of the field."""

    def __init__(self, base: Loc):
        super().__init__(path=base.path, sheet=base.sheet, key_lines=base.key_lines)

    def where(self, key: str | None = None) -> dict[str, Any]:
        place: dict[str, Any] = {"sheet": self.sheet}
        if key and key in self.key_lines:
            place["row"] = self.key_lines[key]
        return place


def _read_table(
    sheet, title: str, columns: tuple[str, ...], errors: ImportErrors
) -> list[dict[str, Any]]:
    if sheet is None:
        return []
    entries: list[dict[str, Any]] = []
    header: list[str] | None = None
    for number, row in _rows(sheet):
        if header is None:
            header = [str(cell).strip() if cell is not None else "" for cell in row]
            unknown = [name for name in header if name and name not in columns]
            for name in unknown:
                errors.add(
                    ReferentielError.INVALID,
                    _("colonne « %(col)s » inconnue (colonnes possibles : %(cols)s).")
                    % {"col": name, "cols": ", ".join(columns)},
                    Loc(sheet=title, row=number),
                )
            for name in REQUIRED_COLUMNS.get(title, ()):
                if name not in header:
                    errors.add(
                        ReferentielError.INVALID,
                        _("colonne obligatoire « %(col)s » absente.") % {"col": name},
                        Loc(sheet=title, row=number),
                    )
            continue
        entry: dict[str, Any] = {}
        for name, cell in zip(header, row, strict=False):
            if name in columns:
                entry[name] = _cell_value(name, cell)
        entry["_loc"] = Loc(path=f"{title}[{number}]", sheet=title, row=number)
        entries.append(entry)
    return entries


LIST_COLUMNS = {"sources", "preuves"}


def _cell_value(name: str, cell: Any) -> Any:
    if name in LIST_COLUMNS:
        if cell in (None, ""):
            return []
        return [line.strip() for line in str(cell).splitlines() if line.strip()]
    if name in ("applicabilite", "types_noeuds"):
        if cell in (None, ""):
            return []
        return [token.strip() for token in str(cell).replace("\n", ",").split(",") if token.strip()]
    if isinstance(cell, str):
        return cell
    return cell
