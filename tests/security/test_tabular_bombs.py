"""XLSX/CSV bombs: every import reads through ``core.tabular`` and refuses before heavy work.

Hostile files are generated here, small: a sheet declaring a million rows and the whole
width of Excel, a row numbered 1,048,576, a zip member inflating a thousand times, a zip of
hundreds of parts, a CSV of 150,000 bad lines, a line of 500 columns. Each one is refused
with a French message (or, for the lying dimension, read in bounded work), and the row
errors of an import are capped with a last "… et M autres erreurs" line.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.db import transaction
from openpyxl import Workbook

from accompagnement.plans import xlsx as plan_xlsx
from accompagnement.plans.models import Action
from accompagnement.registres.models import Reclamation
from accompagnement.registres.registry import REGISTRES
from accompagnement.registres.services import import_register
from core import tabular
from core.errors import BusinessError
from referentiels import services as referentiel_services
from referentiels.io import export_version
from referentiels.models import ReferentielVersion
from tenants import structure_import
from tenants.models import ImportStructures, Structure

REGISTER_HEADER = [
    "Date",
    "Forme",
    "Référence client",
    "Catégorie",
    "Description",
    "Traitement",
    "Date de réponse",
    "Clôturée",
]
GOOD_ROW = ["05/01/2016", "Orale", "C-0001", "Autre", "a", "", None, "non"]


def workbook_bytes(rows: list[list], title: str | None = None) -> bytes:
    workbook = Workbook()
    if title:
        workbook.active.title = title
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_member(content: bytes, name: str, change) -> bytes:
    """The same zip with member ``name`` replaced by ``change(old bytes)``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == name else data)
    return buffer.getvalue()


def with_dimension(content: bytes, ref: str) -> bytes:
    def change(xml: bytes) -> bytes:
        if b"<dimension" in xml:
            return re.sub(
                rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref.encode() + b'"', xml
            )
        return xml.replace(b"<sheetViews>", b'<dimension ref="' + ref.encode() + b'"/><sheetViews>')

    return rewrite_member(content, "xl/worksheets/sheet1.xml", change)


def with_last_row(content: bytes, number: int, text: str) -> bytes:
    """Add a row numbered ``number`` (inline text in column A) at the end of the sheet."""
    row = f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{text}</t></is></c></row>'

    return rewrite_member(
        content,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"</sheetData>", row.encode() + b"</sheetData>"),
    )


def with_extra_member(content: bytes, name: str, data: bytes, count: int = 1) -> bytes:
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        for index in range(count):
            archive.writestr(name.format(index), data)
    return buffer.getvalue()


class CountingSheet:
    """A read-only sheet that counts the rows openpyxl hands out."""

    def __init__(self, sheet):
        self.sheet, self.title, self.handed = sheet, sheet.title, 0

    def reset_dimensions(self):
        self.sheet.reset_dimensions()

    def iter_rows(self, **kwargs):
        for row in self.sheet.iter_rows(**kwargs):
            self.handed += 1
            yield row


# --- The reader itself -----------------------------------------------------------------------


def test_a_declared_million_rows_and_full_width_costs_only_the_real_rows():
    content = with_dimension(workbook_bytes([REGISTER_HEADER, GOOD_ROW, GOOD_ROW]), "A1:XFD1048576")
    workbook = tabular.open_workbook(content)
    assert (workbook.active.max_row, workbook.active.max_column) == (1048576, 16384)
    counting = CountingSheet(workbook.active)
    rows = list(tabular.sheet_rows(counting))
    workbook.close()
    assert [number for number, _row in rows] == [1, 2, 3]
    assert counting.handed == 3  # not a million padded rows
    assert all(len(row) <= tabular.DEFAULT_LIMITS.max_columns for _n, row in rows)


def test_the_size_is_refused_before_parsing():
    with pytest.raises(tabular.TableError) as error:
        tabular.open_workbook(b"PK" + b"\0" * 200, tabular.DEFAULT_LIMITS.but(max_bytes=100))
    assert error.value.code == tabular.TableErrorCode.TOO_LARGE
    assert "Mo" in error.value.message


def test_a_member_inflating_a_thousand_times_is_refused_before_openpyxl_opens_it():
    # 3 MB of zeros compress to ~3 KB; the member is not even XML: a refusal by code
    # "suspicious compression" (not "unreadable") proves openpyxl never read it.
    content = with_extra_member(workbook_bytes([["a"]]), "xl/media/bomb.xml", b"\0" * (3 << 20))
    assert len(content) < 20_000
    with pytest.raises(tabular.TableError) as error:
        tabular.open_workbook(content)
    assert error.value.code == tabular.TableErrorCode.SUSPICIOUS_COMPRESSION


def test_unpacked_size_and_member_count_are_capped():
    content = with_extra_member(
        workbook_bytes([["a"]]), "xl/media/part{}.bin", bytes(range(256)) * 4096, count=30
    )
    with pytest.raises(tabular.TableError) as error:
        tabular.open_workbook(content, tabular.DEFAULT_LIMITS.but(max_unpacked=10 << 20))
    assert error.value.code == tabular.TableErrorCode.UNPACKED_TOO_LARGE
    many = with_extra_member(workbook_bytes([["a"]]), "xl/media/p{}.txt", b"x", count=300)
    with pytest.raises(tabular.TableError) as error:
        tabular.open_workbook(many)
    assert error.value.code == tabular.TableErrorCode.TOO_MANY_MEMBERS


def test_csv_rows_and_columns_are_capped():
    limits = tabular.DEFAULT_LIMITS.but(max_rows=10, max_columns=5)
    rows = list(tabular.csv_rows(b"a;b\n1;2\n\n3;4\n", limits))
    assert rows == [(1, ("a", "b")), (2, ("1", "2")), (4, ("3", "4"))]
    with pytest.raises(tabular.TableError) as error:
        list(tabular.csv_rows(("a;b\n" + "1;2\n" * 11).encode(), limits))
    assert error.value.code == tabular.TableErrorCode.TOO_MANY_ROWS
    assert "10 lignes" in error.value.message
    with pytest.raises(tabular.TableError) as error:
        list(tabular.csv_rows(("a;b\n" + ";" * 500 + "x\n").encode(), limits))
    assert error.value.code == tabular.TableErrorCode.TOO_MANY_COLUMNS
    assert "Ligne 2" in error.value.message


def test_error_list_keeps_the_first_errors_and_counts_the_others():
    errors = tabular.ErrorList(limit=3)
    errors.extend({"code": "x", "message": str(n), "field": None} for n in range(10))
    reported = errors.reported()
    assert len(errors) == 10 and len(reported) == 4
    assert reported[-1] == {
        "code": "more_errors",
        "field": None,
        "message": "… et 7 autres erreurs.",
    }
    single = tabular.ErrorList(limit=1)
    single.extend([{"code": "x"}, {"code": "y"}])
    assert single.reported()[-1]["message"] == "… et 1 autre erreur."


# --- Registers -------------------------------------------------------------------------------


def test_register_import_reads_a_lying_dimension_in_bounded_work(network, in_structure):
    content = with_dimension(workbook_bytes([REGISTER_HEADER, GOOD_ROW, GOOD_ROW]), "A1:XFD1048576")
    assert (
        import_register(
            structure=in_structure,
            user=network.user("referent"),
            registre=REGISTRES["reclamations"],
            content=content,
        )
        == 2
    )


def test_register_import_refuses_a_row_numbered_1048576(network, in_structure):
    content = with_last_row(workbook_bytes([REGISTER_HEADER, GOOD_ROW]), 1048576, "x")
    with pytest.raises(BusinessError) as error:
        import_register(
            structure=in_structure,
            user=network.user("referent"),
            registre=REGISTRES["reclamations"],
            content=content,
        )
    assert error.value.code == tabular.TableErrorCode.TOO_MANY_ROWS
    assert not Reclamation.objects.exists()


def test_register_import_caps_its_errors(network, in_structure):
    bad = ["31/02/2016", "par pigeon", "C-0001", "Autre", "a", "", None, "non"]
    content = workbook_bytes([REGISTER_HEADER] + [bad] * 120)
    with pytest.raises(BusinessError) as error:
        import_register(
            structure=in_structure,
            user=network.user("referent"),
            registre=REGISTRES["reclamations"],
            content=content,
        )
    errors = error.value.errors
    assert len(errors) == 101
    assert errors[-1]["code"] == "more_errors"
    assert errors[-1]["message"] == "… et 140 autres erreurs."  # 2 errors a row, 100 shown


def test_register_import_page_shows_the_refusal(network, client_for, in_structure):
    content = with_last_row(workbook_bytes([REGISTER_HEADER, GOOD_ROW]), 1048576, "x")
    upload = io.BytesIO(content)
    upload.name = "registre.xlsx"
    response = client_for(network.user("referent")).post(
        "/s/alpha/registres/reclamations/import/", {"fichier": upload}
    )
    assert response.status_code == 400
    assert "Le fichier dépasse la limite de 10000 lignes." in response.content.decode()


# --- Action plan -----------------------------------------------------------------------------


def test_plan_import_refuses_too_many_rows_and_caps_errors(network, in_structure):
    header = [label for _n, label in plan_xlsx.COLUMNS]
    content = with_last_row(workbook_bytes([header, ["", "Une action"]]), 100_000, "x")
    with pytest.raises(BusinessError) as error:
        plan_xlsx.import_plan(
            structure=network.structure, user=network.user("referent"), content=content
        )
    assert error.value.code == tabular.TableErrorCode.TOO_MANY_ROWS
    bad = ["999999", "", "", "", "", "", "200"]
    content = workbook_bytes([header] + [bad] * 60)
    with pytest.raises(BusinessError) as error:
        plan_xlsx.import_plan(
            structure=network.structure, user=network.user("referent"), content=content
        )
    errors = error.value.errors
    assert len(errors) == 101 and errors[-1]["code"] == "more_errors"
    assert error.value.message.startswith("180 erreurs")
    assert not Action.objects.exists()


def test_plan_import_with_a_lying_dimension(network, in_structure):
    header = [label for _n, label in plan_xlsx.COLUMNS]
    content = with_dimension(workbook_bytes([header, ["", "Une action"]]), "A1:XFD1048576")
    report = plan_xlsx.import_plan(
        structure=network.structure, user=network.user("referent"), content=content
    )
    assert report.created == 1


# --- Structures ------------------------------------------------------------------------------


CSV_HEADER = "Nom;Type;Territoire\n"


def test_structure_import_refuses_150000_bad_lines_before_validating(network):
    content = (CSV_HEADER + ";;\n;x;\n" * 75_000).encode()  # ~400 KB, 150,000 bad lines
    with pytest.raises(BusinessError) as error:
        structure_import.start_structure_import(
            name="structures.csv", content=content, user=network.user("federation")
        )
    assert error.value.code == tabular.TableErrorCode.TOO_MANY_ROWS
    assert not ImportStructures.objects.exists()


def test_structure_import_stores_at_most_100_errors_then_a_count(network):
    structures = Structure.objects.count()
    content = (CSV_HEADER + "Nom;XXX;territoire-inconnu\n" * 150).encode()
    record = structure_import.start_structure_import(
        name="structures.csv", content=content, user=network.user("federation")
    )
    assert record.statut == ImportStructures.Statut.REJETE
    assert len(record.erreurs) == 101
    assert record.erreurs[-1]["code"] == "more_errors"
    assert record.erreurs[-1]["message"].startswith("… et ")
    assert Structure.objects.count() == structures


def test_structure_import_xlsx_bomb_is_refused(network):
    content = with_extra_member(
        workbook_bytes([["Nom", "Type", "Territoire"]]), "xl/media/b.xml", b"\0" * (3 << 20)
    )
    with pytest.raises(BusinessError) as error:
        structure_import.start_structure_import(
            name="structures.xlsx", content=content, user=network.user("federation")
        )
    assert error.value.code == tabular.TableErrorCode.SUSPICIOUS_COMPRESSION


# --- Frames ----------------------------------------------------------------------------------


@pytest.fixture
def frame_xlsx(db):
    from tests.referentiels.conftest import SAMPLE

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():  # the frame is exported, then forgotten
            version = referentiel_services.import_version(
                content=SAMPLE.read_bytes(), filename="s.yaml"
            )
            content, _type, _name = export_version(version, "xlsx")
            raise Rollback
    except Rollback:
        pass
    assert not ReferentielVersion.objects.exists()
    return content


def test_frame_import_refuses_a_sheet_of_a_million_rows(frame_xlsx):
    content = with_last_row(frame_xlsx, 1048576, "x")
    with pytest.raises(BusinessError) as error:
        referentiel_services.import_version(content=content, filename="frame.xlsx")
    assert error.value.code == "file_too_large"
    assert "lignes" in error.value.message


def test_frame_import_ignores_a_lying_dimension(frame_xlsx):
    content = with_dimension(frame_xlsx, "A1:XFD1048576")
    version = referentiel_services.import_version(content=content, filename="frame.xlsx")
    assert version.criteres.exists()
