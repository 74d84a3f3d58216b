"""Reading uploaded tables (XLSX, CSV) with bounded work: the one reader of every import.

A small file can be a bomb: a 25 KB XLSX may declare a million rows (its ``dimension``), a
zip member may expand a thousand times, a CSV may hold 150,000 bad lines. Every import
(registers, action plan, structures, frames) reads through this module, which refuses
before any heavy work:

1. the file's size (``max_bytes``) before anything is parsed;
2. for an XLSX, the zip's directory (``infolist``) before openpyxl opens it: number of
   members, total unpacked size, compression ratio of each large member (Python's zipfile
   never inflates a member past its declared size, so the declared sizes are a real bound);
3. while streaming rows (openpyxl ``read_only``, ``values_only``; the declared
   ``dimension`` is ignored, so a sheet claiming a million rows costs nothing): at most
   ``max_rows`` data rows and ``max_columns`` columns, read as they come, never the whole
   sheet at once;
4. errors: ``ErrorList`` keeps at most ``max_errors`` of them, then one line "… et M autres
   erreurs".

Every refusal is a ``TableError`` (a ``BusinessError``: code, French message, field
``fichier``), so pages show the message and the API answers its JSON error format.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import BusinessError

MB = 1024 * 1024


class TableErrorCode:
    TOO_LARGE = "file_too_large"
    UNPACKED_TOO_LARGE = "file_unpacked_too_large"
    TOO_MANY_MEMBERS = "file_too_many_parts"
    SUSPICIOUS_COMPRESSION = "file_suspicious_compression"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"
    UNREADABLE = "file_unreadable"
    MORE_ERRORS = "more_errors"


class TableError(BusinessError):
    """A file refused by the reader (always about the uploaded file: field ``fichier``)."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message, field="fichier", status=400)


@dataclass(frozen=True)
class Limits:
    """What one import accepts. ``max_rows`` counts data rows (after the header)."""

    max_bytes: int = 5 * MB
    max_unpacked: int = 25 * MB
    max_members: int = 200
    # A member larger than ``ratio_floor`` may not expand more than ``max_ratio`` times.
    max_ratio: int = 200
    ratio_floor: int = 1 * MB
    max_rows: int = 10_000
    max_columns: int = 60
    max_errors: int = 100
    header_rows: int = 1
    # Empty rows tolerated after the last allowed row (formatting left by a spreadsheet).
    trailing_empty_rows: int = 1_000

    def but(self, **changes: Any) -> Limits:
        return replace(self, **changes)


DEFAULT_LIMITS = Limits()


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def check_size(content: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    if len(content) > limits.max_bytes:
        raise TableError(
            TableErrorCode.TOO_LARGE,
            _("Le fichier pèse %(size)s Mo : la limite est de %(max)s Mo.")
            % {"size": _megabytes(len(content)), "max": _megabytes(limits.max_bytes)},
        )


def check_zip(content: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a zip (XLSX) whose directory announces too much work, before opening it."""
    unreadable = TableError(
        TableErrorCode.UNREADABLE,
        _("Le fichier n'est pas un classeur Excel (.xlsx) lisible."),
    )
    if not content.startswith(b"PK"):
        raise unreadable
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise unreadable from None
    if len(members) > limits.max_members:
        raise TableError(
            TableErrorCode.TOO_MANY_MEMBERS,
            _("Le classeur contient trop d'éléments internes (%(n)s, limite %(max)s).")
            % {"n": len(members), "max": limits.max_members},
        )
    if sum(member.file_size for member in members) > limits.max_unpacked:
        raise TableError(
            TableErrorCode.UNPACKED_TOO_LARGE,
            _("Le classeur est trop volumineux une fois décompressé (limite %(max)s Mo).")
            % {"max": _megabytes(limits.max_unpacked)},
        )
    for member in members:
        if member.file_size > limits.ratio_floor and member.file_size > limits.max_ratio * max(
            member.compress_size, 1
        ):
            raise TableError(
                TableErrorCode.SUSPICIOUS_COMPRESSION,
                _("Le classeur est anormalement compressé : il est refusé par précaution."),
            )


def open_workbook(content: bytes, limits: Limits = DEFAULT_LIMITS) -> Any:
    """An openpyxl read-only workbook (values only), after the size and zip checks.
    The caller closes it (``workbook.close()``)."""
    from openpyxl import load_workbook

    check_size(content, limits)
    check_zip(content, limits)
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a damaged file
        raise TableError(
            TableErrorCode.UNREADABLE,
            _("Le fichier n'est pas un classeur Excel (.xlsx) lisible."),
        ) from None


def _is_empty(values: Iterable[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _too_many_rows(limits: Limits) -> TableError:
    return TableError(
        TableErrorCode.TOO_MANY_ROWS,
        ngettext(
            "Le fichier dépasse la limite de %(max)s ligne.",
            "Le fichier dépasse la limite de %(max)s lignes.",
            limits.max_rows,
        )
        % {"max": limits.max_rows},
    )


def _too_many_columns(limits: Limits, where: str) -> TableError:
    return TableError(
        TableErrorCode.TOO_MANY_COLUMNS,
        _("%(where)s : plus de %(max)s colonnes, la limite.")
        % {"where": where, "max": limits.max_columns},
    )


def _bounded(
    rows: Iterable[Sequence[Any]], limits: Limits, where: Any
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of the non-empty rows of ``rows``, within the limits."""
    last_allowed = limits.max_rows + limits.header_rows
    for number, values in enumerate(rows, start=1):
        empty = _is_empty(values)
        if number > last_allowed and (
            not empty or number > last_allowed + limits.trailing_empty_rows
        ):
            raise _too_many_rows(limits)
        if empty:
            continue
        if len(values) > limits.max_columns:
            if not _is_empty(values[limits.max_columns :]):
                raise _too_many_columns(limits, where(number))
            values = values[: limits.max_columns]
        yield number, tuple(values)


def sheet_rows(
    sheet: Any, limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Stream the non-empty rows of an openpyxl read-only sheet: (row number, values).

    The sheet's declared dimension is ignored (it may lie); one column more than the limit
    is read, to tell a sheet that is too wide."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    rows = sheet.iter_rows(max_col=limits.max_columns + 1, values_only=True)
    title = sheet.title
    yield from _bounded(
        rows, limits, lambda n: _("Feuille « %(s)s », ligne %(n)s") % {"s": title, "n": n}
    )


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (what Excel writes in France)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def csv_rows(
    content: bytes, limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Stream the non-empty rows of a CSV (``;`` or ``,``): (line number, texts)."""
    check_size(content, limits)
    text = decode_text(content)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from _bounded(reader, limits, lambda n: _("Ligne %(n)s") % {"n": n})
    except csv.Error:
        raise TableError(
            TableErrorCode.UNREADABLE, _("Le fichier CSV est illisible (champ trop long ?).")
        ) from None


def first_sheet_rows(
    content: bytes, limits: Limits = DEFAULT_LIMITS, *, sheet_title: str | None = None
) -> list[tuple[int, tuple[Any, ...]]]:
    """The rows of one sheet of an XLSX (``sheet_title`` if present, else the first)."""
    workbook = open_workbook(content, limits)
    try:
        if sheet_title and sheet_title in workbook.sheetnames:
            sheet = workbook[sheet_title]
        else:
            sheet = workbook.worksheets[0]
        return list(sheet_rows(sheet, limits))
    finally:
        workbook.close()


class ErrorList:
    """Row errors of an import, at most ``limit`` kept; ``reported()`` adds one line for
    the others ("… et 12 autres erreurs") so a junk file cannot produce a huge answer."""

    def __init__(self, limit: int = DEFAULT_LIMITS.max_errors):
        self.limit = limit
        self.items: list[dict[str, Any]] = []
        self.total = 0

    def add(self, error: dict[str, Any]) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            self.items.append(error)

    def extend(self, errors: Iterable[Any]) -> None:
        for error in errors:
            self.add(error)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def omitted(self) -> int:
        return self.total - len(self.items)

    def reported(self) -> list[dict[str, Any]]:
        if not self.omitted:
            return list(self.items)
        return [*self.items, more_errors(self.omitted)]


def more_errors(count: int) -> dict[str, Any]:
    return {
        "code": TableErrorCode.MORE_ERRORS,
        "field": None,
        "message": ngettext("… et %(n)s autre erreur.", "… et %(n)s autres erreurs.", count)
        % {"n": count},
    }
