"""Soft delete, purge after the delay, and the portability export of one structure."""

from __future__ import annotations

import datetime
import json
import zipfile

from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from accompagnement.plans.models import PlanAction
from tenants.models import Membership, Structure
from tenants.operations import deletion, export
from tenants.operations.oplog import read_operations


def schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        return cursor.fetchone() is not None


def test_soft_deleted_structure_leaves_lists_and_routes(network, client_for):
    structure = network.structure
    deletion.soft_delete_structure(structure=structure)
    assert structure not in Structure.objects.reelles()
    response = client_for(network.user("directeur")).get(f"/s/{structure.slug}/")
    assert response.status_code == 404
    assert schema_exists(structure.schema_name)
    assert read_operations("delete_structure")[-1]["schema"] == structure.schema_name


def test_undelete_brings_the_structure_back(network, client_for):
    structure = network.structure
    call_command("delete_structure", structure.slug)
    call_command("delete_structure", structure.slug, undo=True)
    assert structure in Structure.objects.reelles()
    assert client_for(network.user("directeur")).get(f"/s/{structure.slug}/").status_code == 200


def test_purge_erases_only_structures_deleted_before_the_delay(network, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    old, recent = network.other_structure, network.structure
    files = tmp_path / "media" / old.schema_name / "preuves"
    files.mkdir(parents=True)
    (files / "a.txt").write_text("x")
    Structure.objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=31)
    )
    Structure.objects.filter(pk=recent.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=29)
    )

    purged = deletion.purge_structures()

    assert purged == [old.schema_name]
    assert not Structure.objects.filter(pk=old.pk).exists()
    assert not Membership.objects.filter(structure_id=old.pk).exists()
    assert not schema_exists(old.schema_name)
    assert not (tmp_path / "media" / old.schema_name).exists()
    assert Structure.objects.filter(pk=recent.pk).exists() and schema_exists(recent.schema_name)
    assert read_operations("purge_structure")[-1]["schema"] == old.schema_name


def test_export_holds_every_table_the_roles_and_the_files(network, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    structure = network.structure
    with schema_context(structure.schema_name):
        PlanAction.objects.create(titre="Plan exporté")
    evidence = tmp_path / "media" / structure.schema_name / "preuves" / "cr.txt"
    evidence.parent.mkdir(parents=True)
    evidence.write_text("compte rendu")

    path = export.export_structure(structure=structure, destination=tmp_path / "export.zip")

    with zipfile.ZipFile(path) as archive:
        plans = json.loads(archive.read("data/plans.planaction.json"))
        roles = json.loads(archive.read("reseau/roles.json"))
        assert [row["fields"]["titre"] for row in plans] == ["Plan exporté"]
        assert {role["user__email"] for role in roles} == {
            f"{r}@test.example" for r in ("directeur", "referent", "contributeur", "lecteur")
        }
        assert "password" not in archive.read("reseau/roles.json").decode()
        assert archive.read("fichiers/preuves/cr.txt") == b"compte rendu"
        assert json.loads(archive.read("manifest.json"))["rows"]["plans.planaction"] == 1
    assert read_operations("export_structure")[-1]["rows"] >= 1


def test_export_of_one_structure_holds_nothing_of_another(network, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with schema_context(network.other_structure.schema_name):
        PlanAction.objects.create(titre="Plan de beta")
    path = export.export_structure(structure=network.structure, destination=tmp_path / "alpha.zip")
    with zipfile.ZipFile(path) as archive:
        content = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Plan de beta" not in content
    assert b"directeur_autre@test.example" not in content
