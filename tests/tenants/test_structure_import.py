"""Bulk import of structures (CSV/XLSX): row-by-row errors, all or nothing, progress."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from openpyxl import Workbook

from core.errors import BusinessError
from tenants import structure_import
from tenants.models import AuditLog, ImportStructures, Structure
from tenants.validators import luhn_complete

HEADER = (
    "Nom;Type;Territoire;FINESS;SIRET;Groupes;Phase;Date engagement;Directeur;Directeur email\n"
)


def _csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def test_valid_csv_creates_every_structure_and_its_schema(
    network, django_capture_on_commit_callbacks
):
    content = _csv(
        f"SAAD Import Un;SAAD;ut-test;{luhn_complete('59000101')};;Groupe Test;déploiement;01/02/2024;Mme A;a@x.fr",
        f"SSIAD Import Deux;ssiad;UT Test;{luhn_complete('59000102')};;;;;;",
    )
    with django_capture_on_commit_callbacks(execute=True):
        record = structure_import.start_structure_import(
            name="structures.csv", content=content, user=network.user("federation")
        )
    record.refresh_from_db()
    assert record.statut == ImportStructures.Statut.TERMINE
    assert (record.faits, record.total, record.pourcentage) == (2, 2, 100)
    un = Structure.objects.get(slug="saad-import-un")
    assert un.territoire == network.territoire
    assert list(un.groupes.all()) == [network.groupe]
    assert (
        un.phase == Structure.Phase.DEPLOIEMENT and un.date_engagement.isoformat() == "2024-02-01"
    )
    assert _schema_exists("s_saad_import_un") and _schema_exists("s_ssiad_import_deux")
    assert AuditLog.objects.filter(
        action=AuditLog.Action.STRUCTURE_IMPORT, actor=network.user("federation")
    ).exists()
    assert [t.to_statut for t in record.transitions.all()] == ["en_attente", "en_cours", "termine"]


def test_every_error_is_reported_with_line_and_field_and_nothing_is_created(network):
    good = luhn_complete("59000201")
    wrong_key = good[:-1] + str((int(good[-1]) + 1) % 10)
    content = _csv(
        f"Bonne;SAAD;ut-test;{good};;;;;;",  # line 2: fine
        f"Mauvais finess;SAAD;ut-test;{wrong_key};;;;;;",  # 3
        "Territoire inconnu;SAAD;ut-nulle-part;;;;;;;",  # 4
        f"Doublon finess;SAAD;ut-test;{good};;;;;;",  # 5
        "Bonne;SAAD;ut-test;;;;;;;",  # 6: duplicate slug
        ";SAAD;ut-test;;;;;;;",  # 7: missing name
        "Alpha existante;SAAD;ut-test;;;Groupe Fantôme;;;;",  # 8: unknown group
        "Type faux;EHPAD;ut-test;;123;;;32/13/2024;;",  # 9: bad type, siret, date
    )
    record = structure_import.start_structure_import(
        name="s.csv", content=content, user=network.user("federation")
    )
    assert record.statut == ImportStructures.Statut.REJETE
    found = {(e["ligne"], e["field"], e["code"]) for e in record.erreurs}
    assert {
        (3, "finess", "invalid_value"),
        (4, "territoire", "unknown_territoire"),
        (5, "finess", "duplicate"),
        (6, "slug", "duplicate"),
        (7, "nom", "missing_field"),
        (8, "groupes", "unknown_groupe"),
        (9, "type", "invalid_value"),
        (9, "siret", "invalid_value"),
        (9, "date_engagement", "invalid_value"),
    } <= found
    assert not any(e["ligne"] == 2 for e in record.erreurs)
    assert all(e["message"] for e in record.erreurs)
    assert not Structure.objects.filter(slug="bonne").exists()
    assert record.total == 0 and record.lignes == []


def test_duplicate_of_an_existing_structure_is_refused(network):
    content = _csv(
        f"Alpha bis;SAAD;ut-test;{network.structure.finess};;;;;;", "Beta;SAAD;ut-test;;;;;;;"
    )
    record = structure_import.start_structure_import(
        name="s.csv", content=content, user=network.user("federation")
    )
    found = {(e["ligne"], e["field"], e["code"]) for e in record.erreurs}
    assert {(2, "finess", "duplicate"), (3, "slug", "duplicate")} <= found


def test_missing_required_column_is_reported_on_the_header_line(network):
    record = structure_import.start_structure_import(
        name="s.csv", content=b"Nom;FINESS\nX;\n", user=network.user("federation")
    )
    assert {(e["ligne"], e["field"]) for e in record.erreurs} == {(1, "type"), (1, "territoire")}


def test_failure_while_provisioning_removes_what_was_created(
    network, django_capture_on_commit_callbacks
):
    content = _csv("Premiere;SAAD;ut-test;;;;;;;", "Seconde;SAAD;ut-test;;;;;;;")
    record = structure_import.start_structure_import(
        name="s.csv", content=content, user=network.user("federation")
    )
    # Someone creates a structure with the second row's slug between validation and the task.
    from tenants import services

    services.create_structure(nom="Seconde", slug="seconde", type="SAAD")
    structure_import.run_structure_import(import_id=record.pk)
    record.refresh_from_db()
    assert record.statut == ImportStructures.Statut.ECHOUE
    assert "ligne 3" in record.message
    assert not Structure.objects.filter(slug="premiere").exists()
    assert not _schema_exists("s_premiere")
    assert record.faits == 0


def test_running_an_import_twice_creates_nothing_more(network, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = structure_import.start_structure_import(
            name="s.csv",
            content=_csv("Unique;SAAD;ut-test;;;;;;;"),
            user=network.user("federation"),
        )
    again = structure_import.run_structure_import(import_id=record.pk)
    assert again.statut == ImportStructures.Statut.TERMINE
    assert Structure.objects.filter(slug="unique").count() == 1


def test_xlsx_import(network, django_capture_on_commit_callbacks):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Type", "Territoire", "N° FINESS", "Date engagement"])
    import datetime

    sheet.append(
        [
            "Classeur SAP",
            "SAP",
            "UT Test",
            int(luhn_complete("59000301")),
            datetime.datetime(2024, 3, 1),
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        record = structure_import.start_structure_import(
            name="liste.xlsx", content=buffer.getvalue(), user=network.user("federation")
        )
    record.refresh_from_db()
    assert record.statut == ImportStructures.Statut.TERMINE, record.erreurs
    structure = Structure.objects.get(slug="classeur-sap")
    assert structure.finess == luhn_complete("59000301")
    assert structure.date_engagement.isoformat() == "2024-03-01"


def test_pilot_imports_only_into_their_territory(network):
    content = _csv("Chez moi;SAAD;ut-test;;;;;;;", "Chez l'autre;SAAD;ut-autre;;;;;;;")
    record = structure_import.start_structure_import(
        name="s.csv", content=content, user=network.user("pilote")
    )
    assert {(e["ligne"], e["field"], e["code"]) for e in record.erreurs} == {
        (3, "territoire", "forbidden")
    }


@pytest.mark.parametrize("role", ["expert", "directeur", "sans_role"])
def test_other_roles_cannot_import(network, role):
    with pytest.raises(BusinessError) as error:
        structure_import.start_structure_import(
            name="s.csv", content=_csv("X;SAAD;ut-test;;;;;;;"), user=network.user(role)
        )
    assert error.value.status == 403


@pytest.mark.parametrize(
    "name, content",
    [("s.pdf", b"%PDF"), ("s.xlsx", b"not a zip"), ("s.csv", b"")],
)
def test_unreadable_files_are_refused(network, name, content):
    with pytest.raises(BusinessError) as error:
        structure_import.start_structure_import(
            name=name, content=content, user=network.user("federation")
        )
    assert error.value.code == "import_format"


def test_a_group_of_another_territory_is_accepted_and_an_ambiguous_name_is_refused(network):
    """Groups may gather structures of several territories (7 groups over 9 territories in
    the launch deck): a row may name the other territory's group; a name that several
    other territories use is refused with a clear message."""
    from tenants.models import GroupeTravail, Territoire

    third = Territoire.objects.create(code="ut-trois", nom="UT Trois")
    GroupeTravail.objects.create(territoire=network.other_territoire, nom="Groupe Commun")
    GroupeTravail.objects.create(territoire=third, nom="Groupe Commun")
    content = _csv(
        "Voisine;SAAD;ut-test;;;Groupe Autre;;;;",  # line 2: the other territory's group
        "Ambigue;SAAD;ut-test;;;Groupe Commun;;;;",  # 3: two other territories
    )
    record = structure_import.start_structure_import(
        name="s.csv", content=content, user=network.user("federation")
    )
    errors = {(e["ligne"], e["field"]): e for e in record.erreurs}
    assert (2, "groupes") not in errors
    assert errors[(3, "groupes")]["code"] == "unknown_groupe"
    assert "Plusieurs groupes" in errors[(3, "groupes")]["message"]
    assert not Structure.objects.filter(slug__in=["voisine", "ambigue"]).exists()
