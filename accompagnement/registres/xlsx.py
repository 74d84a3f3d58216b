"""XLSX reading and writing of the registers (openpyxl). Pure I/O: validation and
saving are in ``services.import_register``."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accompagnement.registres.registry import Registre, field_label
from core import tabular
from core.fields import model_field
from core.xlsx import append_row, to_bytes

# A register holds a year or two of entries: a few thousand rows at most.
IMPORT_LIMITS = tabular.DEFAULT_LIMITS.but(max_rows=10_000, max_columns=40)


def _normalise(text: Any) -> str:
    return str(text or "").strip().lower()


def header_map(registre: Registre) -> dict[str, str]:
    """Accepted column headers (label or field name, case-insensitive) → field name."""
    mapping = {}
    for name in registre.import_fields:
        mapping[_normalise(name)] = name
        mapping[_normalise(field_label(registre, name))] = name
    return mapping


def cell_to_form_value(registre: Registre, name: str, value: Any) -> Any:
    """An XLSX cell as a form would post it (dates ISO, booleans oui/non, choice labels)."""
    field = model_field(registre.model, name)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if field.get_internal_type() == "DateField" and isinstance(value, str):
        text = value.strip()
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                continue
        return text
    if field.get_internal_type() == "BooleanField":
        return "on" if _normalise(value) in {"oui", "vrai", "true", "1", "x", "yes"} else ""
    if field.choices:
        for code, label in field.choices:
            if _normalise(value) in {_normalise(code), _normalise(label)}:
                return code
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(
    registre: Registre, content: bytes
) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """(unknown headers, [(row number, {field: form value})]) of the first sheet, read by
    the bounded reader (``core.tabular``: size, zip, row and column limits)."""
    table = tabular.first_sheet_rows(content, IMPORT_LIMITS)
    headers = table[0][1] if table else ()
    mapping = header_map(registre)
    columns = [mapping.get(_normalise(header)) for header in headers]
    unknown = [
        str(header) for header, name in zip(headers, columns, strict=True) if header and not name
    ]
    parsed = [
        (
            number,
            {
                name: cell_to_form_value(registre, name, cell)
                for name, cell in zip(columns, row, strict=False)
                if name
            },
        )
        for number, row in table[1:]
    ]
    return unknown, parsed


def export_register(registre: Registre, entries: list[Model]) -> bytes:
    """One sheet: a header row of labels, then one row per entry (choices as labels)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(registre.title)[:31]
    names = registre.import_fields
    append_row(sheet, [capfirst(field_label(registre, name)) for name in names])
    for entry in entries:
        row = []
        for name in names:
            field = model_field(registre.model, name)
            value = getattr(entry, name)
            if field.choices:
                value = getattr(entry, f"get_{name}_display")()
            elif field.get_internal_type() == "BooleanField":
                value = _("oui") if value else _("non")
            row.append(value)
        append_row(sheet, row)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    return to_bytes(workbook)
