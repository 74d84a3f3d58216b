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
from core.models import Job, OutboxMessage
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
    for schema in (old.schema_name, recent.schema_name):
        Job.objects.create(
            kind="registres.import",
            key=f"import:{schema}",
            task_name="accompagnement.registres.tasks.import_job",
            schema_name=schema,
        )
        OutboxMessage.objects.create(key=f"mail:{schema}", schema_name=schema)

    purged = deletion.purge_structures()

    assert purged.purged == [old.schema_name] and purged.failed == []
    assert not Structure.objects.filter(pk=old.pk).exists()
    assert not Membership.objects.filter(structure_id=old.pk).exists()
    assert not schema_exists(old.schema_name)
    assert not (tmp_path / "media" / old.schema_name).exists()
    assert Structure.objects.filter(pk=recent.pk).exists() and schema_exists(recent.schema_name)
    assert read_operations("purge_structure")[-1]["schema"] == old.schema_name
    # its background work goes with it; the other structure's stays
    assert not Job.objects.filter(schema_name=old.schema_name).exists()
    assert not OutboxMessage.objects.filter(schema_name=old.schema_name).exists()
    assert Job.objects.filter(schema_name=recent.schema_name).count() == 1
    assert OutboxMessage.objects.filter(schema_name=recent.schema_name).count() == 1
    assert read_operations("purge_structure")[-1]["erased"] == {"jobs": 1, "outbox": 1}


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


def _submitted_snapshot(campagne, structure, taux: float):
    from accompagnement.reporting.models import InstantaneBilan

    return InstantaneBilan.objects.create(
        campagne=campagne,
        structure=structure,
        structure_nom=structure.nom,
        territoire_id=structure.territoire_id,
        groupe_ids=sorted(structure.groupes.values_list("pk", flat=True)),
        soumis_le=timezone.now(),
        taux_declare=taux,
        reclamations=3,
        contenu={"synthese": f"Bilan de {structure.nom}", "figures": {"taux": taux}},
    )


def test_purge_keeps_anonymised_snapshots_so_past_consolidations_do_not_change(
    network, settings, tmp_path
):
    from accompagnement.reporting import aggregates
    from accompagnement.reporting.models import Campagne, InstantaneBilan

    settings.MEDIA_ROOT = tmp_path / "media"
    campagne = Campagne.objects.create(
        libelle="S1 2016",
        semestre=1,
        annee=2016,
        echeance=datetime.date(2016, 7, 10),
        ouverte_par=network.user("federation"),
    )
    gone, stays = network.other_structure, network.structure
    _submitted_snapshot(campagne, gone, 0.25)
    _submitted_snapshot(campagne, stays, 0.75)
    snapshots = InstantaneBilan.objects.filter(campagne=campagne)
    before = (
        aggregates.headline_by(snapshots, "campagne"),
        aggregates.headline_by(snapshots, "territoire"),
    )
    Structure.objects.filter(pk=gone.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=40)
    )

    report = deletion.purge_structures()

    assert report.purged == [gone.schema_name] and report.failed == []
    assert not Structure.objects.filter(pk=gone.pk).exists()
    kept = InstantaneBilan.objects.get(campagne=campagne, structure=None)
    assert kept.structure_nom == "" and kept.soumis_par is None
    assert kept.contenu == {"figures": {"taux": 0.25}}  # free texts dropped, figures kept
    assert (kept.taux_declare, kept.territoire_id) == (0.25, network.other_territoire.pk)
    after = (
        aggregates.headline_by(snapshots, "campagne"),
        aggregates.headline_by(snapshots, "territoire"),
    )
    assert after == before
    assert gone.nom not in json.dumps(list(snapshots.values()), default=str)
    assert read_operations("purge_structure")[-1]["kept"] == {"reporting.instantanebilan": 1}


def test_purge_goes_on_past_a_structure_it_cannot_erase_and_reports_it(network, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    first, second = network.structure, network.other_structure
    Structure.objects.filter(pk__in=[first.pk, second.pk]).update(
        deleted_at=timezone.now() - datetime.timedelta(days=40)
    )
    # A fault injected in the database: deleting the first structure's row fails.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION public.purge_blocker() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF OLD.id = {first.pk} THEN RAISE EXCEPTION 'bloquée'; END IF; "
            "RETURN OLD; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER purge_blocker BEFORE DELETE ON public.tenants_structure "
            "FOR EACH ROW EXECUTE FUNCTION public.purge_blocker()"
        )
    try:
        report = deletion.purge_structures()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS purge_blocker ON public.tenants_structure")
            cursor.execute("DROP FUNCTION IF EXISTS public.purge_blocker()")
    assert report.purged == [second.schema_name]
    assert [schema for schema, _error in report.failed] == [first.schema_name]
    assert Structure.objects.filter(pk=first.pk).exists() and schema_exists(first.schema_name)
    assert not schema_exists(second.schema_name)
    failure = [e for e in read_operations("purge_structure") if e["outcome"] == "error"][-1]
    assert failure["schema"] == first.schema_name


def test_export_holds_every_public_row_of_the_structure(network, tmp_path, settings):
    from accompagnement.reporting.models import Campagne
    from tenants import audit
    from tenants.models import AuditLog

    settings.MEDIA_ROOT = tmp_path / "media"
    structure = network.structure
    campagne = Campagne.objects.create(
        libelle="S2 2015", semestre=2, annee=2015, echeance=datetime.date(2016, 1, 10)
    )
    _submitted_snapshot(campagne, structure, 0.5)
    audit.record(
        action=AuditLog.Action.ROLE_GRANTED,
        target_user=network.user("directeur"),
        structure=structure,
    )
    AuditLog.objects.filter(structure=structure).update(ip_address="192.0.2.7")

    path = export.export_structure(structure=structure, destination=tmp_path / "export.zip")

    with zipfile.ZipFile(path) as archive:
        snapshots = json.loads(archive.read("reseau/lignes/reporting.instantanebilan.json"))
        audit_rows = json.loads(archive.read("reseau/lignes/tenants.auditlog.json"))
        manifest = json.loads(archive.read("manifest.json"))
        names = archive.namelist()
    assert [row["fields"]["taux_declare"] for row in snapshots] == [0.5]
    assert len(audit_rows) == AuditLog.objects.filter(structure=structure).count() >= 1
    assert all("ip_address" not in row["fields"] for row in audit_rows)
    assert "192.0.2.7" not in json.dumps(audit_rows)
    assert manifest["rows"]["reporting.instantanebilan"] == 1
    assert not any(name.startswith("reseau/lignes/tenants.membership") for name in names)
