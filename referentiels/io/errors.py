"""Import errors: every problem found in a file, with where it is (line, or sheet and row)
and which field, in French."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import BusinessError
from core.tabular import more_errors
from referentiels.errors import ReferentielError

MAX_REPORTED_ERRORS = 200  # a junk file must not produce a million-line answer


@dataclass
class Loc:
    """Where an entry comes from: a YAML/JSON path and line, or an XLSX sheet and row."""

    path: str = ""
    line: int | None = None
    sheet: str | None = None
    row: int | None = None
    key_lines: dict[str, int] = field(default_factory=dict)
    # What a person calls the entry ("critère 4.1.2"); messages use it, not the path.
    label: str = ""

    def child(self, path: str, line: int | None = None, key_lines: dict | None = None) -> Loc:
        return Loc(path=path, line=line, sheet=self.sheet, row=self.row, key_lines=key_lines or {})

    def field_path(self, key: str | None) -> str:
        if not key:
            return self.path
        return f"{self.path}.{key}" if self.path else key

    def where(self, key: str | None = None) -> dict[str, Any]:
        place: dict[str, Any] = {}
        line = self.key_lines.get(key, self.line) if key else self.line
        if line is not None:
            place["line"] = line
        if self.sheet is not None:
            place["sheet"] = self.sheet
        if self.row is not None:
            place["row"] = self.row
        return place

    def describe(self, key: str | None = None) -> str:
        place = self.where(key)
        if "sheet" in place:
            text = _("feuille « %(sheet)s »") % {"sheet": place["sheet"]}
            if "row" in place:
                text += _(", ligne %(row)s") % {"row": place["row"]}
            return text
        if "line" in place:
            return _("ligne %(line)s") % {"line": place["line"]}
        return ""


class ImportErrors:
    """Collects errors; ``raise_if_any`` turns them into one BusinessError."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.omitted = 0

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def add(self, code: str, message: str, loc: Loc | None = None, key: str | None = None) -> None:
        if len(self.items) >= MAX_REPORTED_ERRORS:
            self.omitted += 1
            return
        loc = loc or Loc()
        where = loc.describe(key)
        field_path = loc.field_path(key)
        if loc.label:
            field_text = _("champ « %s »") % key if key else ""
        else:
            field_text = _("champ « %s »") % field_path if field_path else ""
        prefix = ", ".join(part for part in (where, loc.label, field_text) if part)
        entry: dict[str, Any] = {
            "code": str(code),
            "message": f"{prefix[:1].upper()}{prefix[1:]} : {message}" if prefix else message,
            "field": field_path or None,
        }
        entry.update(loc.where(key))
        self.items.append(entry)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = list(self.items)
        if self.omitted:
            items.append(more_errors(self.omitted))
        total = len(self.items) + self.omitted
        raise BusinessError(
            ReferentielError.IMPORT_INVALID,
            ngettext(
                "Le fichier contient %(n)s erreur ; rien n'a été importé.",
                "Le fichier contient %(n)s erreurs ; rien n'a été importé.",
                total,
            )
            % {"n": total},
            errors=items,
        )


def file_error(code: str, message: str) -> BusinessError:
    return BusinessError(
        code,
        message,
        field="fichier",
        errors=[{"code": str(code), "message": message, "field": "fichier"}],
    )
