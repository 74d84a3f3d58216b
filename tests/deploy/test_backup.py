"""Back up one structure and restore it into a fresh database: the data are identical.

pg_dump and the restoring process only see committed rows, so this test commits its
own structure (not alpha/beta, shared by the other tests) and removes it at the end.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from accompagnement.plans.models import Action, PlanAction
from accompagnement.reporting.models import Campagne, InstantaneBilan
from tenants import audit, services
from tenants.models import AuditLog, Membership, Structure, User
from tenants.operations import backup
from tenants.operations.oplog import read_operations

ROOT = Path(settings.BASE_DIR)
SLUG = "ops-sauvegarde"
CAMPAGNE = "Campagne de la sauvegarde"
EMAIL = "directrice-sauvegarde@test.example"


def database_url(name: str) -> str:
    db = connection.settings_dict
    credentials = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{name}"


def conninfo(name: str) -> str:
    db = connection.settings_dict
    parts = {
        "dbname": name,
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
    }
    return " ".join(f"{key}='{value}'" for key, value in parts.items() if value)


def manage(args: list[str], *, database: str, media_root: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(database),
        "MEDIA_ROOT": str(media_root),
        "OPS_LOG_DIR": str(media_root.parent / "ops"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def structure_tables() -> list[tuple[str, str]]:
    """(table, column) of every public table with a foreign key to the structure."""
    tables = []
    for relation in Structure._meta.related_objects:
        found = backup._structure_links(relation)
        if found is not None:
            model, name = found
            tables.append((model._meta.db_table, model._meta.get_field(name).column))
    return sorted(tables)


def snapshot(database: str, schema_name: str) -> dict:
    """Every row of the schema's tables, and the structure's public rows, by natural keys."""
    with psycopg.connect(conninfo(database)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1",
                [schema_name],
            )
        ]
        data = {
            t: conn.execute(f'SELECT * FROM "{schema_name}"."{t}" ORDER BY 1').fetchall()
            for t in tables
        }
        data["structure"] = conn.execute(
            "SELECT * FROM tenants_structure WHERE schema_name = %s", [schema_name]
        ).fetchall()
        data["domain"] = conn.execute(
            "SELECT d.domain, d.is_primary FROM tenants_domain d JOIN tenants_structure s ON s.id = d.tenant_id"
            " WHERE s.schema_name = %s",
            [schema_name],
        ).fetchall()
        for table, column in structure_tables():
            data[table] = conn.execute(
                f'SELECT t.* FROM "{table}" t JOIN tenants_structure s ON s.id = t."{column}"'
                " WHERE s.schema_name = %s ORDER BY 1",
                [schema_name],
            ).fetchall()
        data["memberships"] = conn.execute(
            "SELECT u.id, u.email, u.password, m.role FROM tenants_membership m"
            " JOIN tenants_user u ON u.id = m.user_id JOIN tenants_structure s ON s.id = m.structure_id"
            " WHERE s.schema_name = %s ORDER BY u.email",
            [schema_name],
        ).fetchall()
    return data


@pytest.fixture
def committed_structure(django_db_blocker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media-source"
    with django_db_blocker.unblock():
        remove_leftovers()
        structure = services.create_structure(nom="Structure Sauvegarde", slug=SLUG)
        user = User.objects.create_user(email=EMAIL, password="x" * 12)
        Membership.objects.create(user=user, structure=structure, role="directeur")
        with schema_context(structure.schema_name):
            plan = PlanAction.objects.create(titre="Plan 2026")
            Action.objects.create(
                plan=plan, titre="Former l'équipe", responsable=user, avancement=40
            )
            Action.objects.create(plan=plan, titre="Réviser le livret d'accueil", avancement=100)
        campagne = Campagne.objects.create(
            libelle=CAMPAGNE, semestre=1, annee=2015, echeance=datetime.date(2015, 7, 10)
        )
        InstantaneBilan.objects.create(
            campagne=campagne,
            structure=structure,
            structure_nom=structure.nom,
            soumis_le=timezone.now(),
            soumis_par=user,
            taux_declare=0.6,
            contenu={"synthese": "Bilan sauvegardé"},
        )
        campagne.structures_concernees.add(structure)
        audit.record(action=AuditLog.Action.ROLE_GRANTED, target_user=user, structure=structure)
        evidence = settings.MEDIA_ROOT / structure.schema_name / "preuves" / "compte-rendu.txt"
        evidence.parent.mkdir(parents=True)
        evidence.write_bytes("Compte rendu de réunion qualité\n".encode())
        try:
            yield structure
        finally:
            remove_leftovers()


def remove_leftovers() -> None:
    connection.set_schema_to_public()
    # Raw deletes: snapshots refuse the ORM's delete, and the ORM's collector would look
    # for the user in structure-schema tables.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM reporting_instantanebilan WHERE campagne_id IN"
            " (SELECT id FROM reporting_campagne WHERE libelle = %s)",
            [CAMPAGNE],
        )
        cursor.execute(
            "DELETE FROM reporting_campagne_structures_concernees WHERE campagne_id IN"
            " (SELECT id FROM reporting_campagne WHERE libelle = %s)",
            [CAMPAGNE],
        )
        cursor.execute("DELETE FROM reporting_campagne WHERE libelle = %s", [CAMPAGNE])
        cursor.execute(
            "DELETE FROM tenants_auditlog WHERE structure_id IN"
            " (SELECT id FROM tenants_structure WHERE slug = %s)",
            [SLUG],
        )
    for structure in Structure.objects.filter(slug=SLUG):
        structure.delete(force_drop=True)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tenants_user WHERE email = %s", [EMAIL])


@pytest.fixture
def fresh_database(django_db_blocker):
    name = connection.settings_dict["NAME"] + "_restore"
    with (
        django_db_blocker.unblock(),
        psycopg.connect(conninfo("postgres"), autocommit=True) as admin,
    ):
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_into_a_fresh_database_gives_identical_data(
    committed_structure, fresh_database, tmp_path, django_db_blocker
):
    archive = tmp_path / "sauvegarde.tar.gz"
    with django_db_blocker.unblock():
        backup.backup_structure(structure=committed_structure, destination=archive)
        source = snapshot(connection.settings_dict["NAME"], committed_structure.schema_name)
    target_media = tmp_path / "media-target"
    manage(
        ["migrate_schemas", "--shared", "-v", "0", "--skip-checks"],
        database=fresh_database,
        media_root=target_media,
    )
    manage(["restore_structure", str(archive)], database=fresh_database, media_root=target_media)

    restored = snapshot(fresh_database, committed_structure.schema_name)
    assert restored == source
    assert len(source["plans_action"]) == 2 and len(source["memberships"]) == 1
    # Every public table pointing to the structure is compared, row for row.
    assert {table for table, _column in structure_tables()} <= restored.keys()
    assert len(source["reporting_instantanebilan"]) == 1 and len(source["tenants_auditlog"]) == 1
    assert len(source["reporting_campagne_structures_concernees"]) == 1
    counts = {name: len(rows) for name, rows in source.items()}
    assert counts == {name: len(rows) for name, rows in restored.items()}
    restored_file = target_media / committed_structure.schema_name / "preuves" / "compte-rendu.txt"
    assert restored_file.read_text() == "Compte rendu de réunion qualité\n"
    assert read_operations("backup_structure")[-1]["schema"] == committed_structure.schema_name


def test_restore_is_refused_when_the_structure_exists(
    committed_structure, tmp_path, django_db_blocker
):
    archive = tmp_path / "sauvegarde.tar.gz"
    with django_db_blocker.unblock():
        backup.backup_structure(structure=committed_structure, destination=archive)
        with pytest.raises(backup.BusinessError) as refused:
            backup.restore_structure(archive=archive)
    assert refused.value.code == "structure_exists"


def test_pg_dump_matches_the_server_major_version(db):
    version = subprocess.run(
        [backup.pg_binary("pg_dump"), "--version"], capture_output=True, text=True
    ).stdout
    assert f" {backup.server_major_version()}." in version
