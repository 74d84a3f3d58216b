"""Writing XLSX workbooks: the one place every export writes its rows through.

openpyxl turns any text starting with ``=`` into a live formula (and ``#N/A``-like texts
into error cells). Text typed by people (an action's title, a complaint, a comment) must
never run in the spreadsheet of whoever opens the export: every text is written as a text
cell (``data_type = "s"``), kept intact (no ``'`` prefix, so an export re-imported gives
back the exact text). Control characters that XLSX cannot hold are dropped instead of
failing the whole export.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

TEXT = "s"


def clean_text(value: str) -> str:
    """``value`` without the control characters an XLSX file cannot store."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append ``values`` to ``sheet``; every ``str`` becomes a text cell, never a formula."""
    row = [clean_text(value) if isinstance(value, str) else value for value in values]
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = TEXT


def set_text(cell: Any, value: str) -> None:
    """Write one text into ``cell`` as text (for exports that fill cells one by one)."""
    cell.value = clean_text(value)
    cell.data_type = TEXT


def to_bytes(workbook: Any) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
