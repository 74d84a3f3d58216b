"""Back up one structure to a single archive, and restore it (into this or a fresh database).

The archive (``.tar.gz``) holds:

- ``manifest.json``: format, schema, slug, date, PostgreSQL version, migrations;
- ``schema.dump``: ``pg_dump -Fc`` of the structure's schema (the pg_dump whose major
  version is the server's: the ``pgserver`` wheel's for the embedded server, the system's
  otherwise);
- ``public.json``: its public-schema rows — the Structure and every row of a public table
  pointing to it (``rows_of_structure``: domain, roles, expert assignments, review
  snapshots, audit rows…) — and every public row they or the schema's tables point to
  (people, groups, territory, frames…), with their primary keys (Django serializers);
- ``files/``: its uploaded files (``MEDIA_ROOT/<schema>/``).

Restoring inserts the public rows that are missing (rows already there with the same key
are kept), restores the schema with ``pg_restore``, migrates it, then copies the files.
The archive holds health-related data and password hashes: store it encrypted.
"""

from __future__ import annotations

import datetime
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from core import tenancy
from core.errors import BusinessError
from tenants.models import Structure
from tenants.operations.errors import OperationError
from tenants.operations.oplog import log_operation
from tenants.operations.schema_migrations import migrate_one_schema, migrations_on_disk

ARCHIVE_FORMAT = 1
# Public relations never followed (ids that differ between databases and carry no data of ours).
_SKIPPED_MODELS = {"auth.permission", "auth.group", "contenttypes.contenttype", "sessions.session"}


# --- PostgreSQL client binaries -----------------------------------------------------------------
def server_major_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _candidate_bin_dirs() -> list[Path]:
    dirs = []
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        dirs.append(Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin")
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    dirs.append(Path("/usr/bin"))
    return [d for d in dirs if (d / "pg_dump").exists()]


def pg_binary(name: str) -> str:
    """The ``pg_dump``/``pg_restore`` whose major version is the server's."""
    wanted = server_major_version()
    for directory in _candidate_bin_dirs():
        version = subprocess.run(
            [directory / name, "--version"], capture_output=True, text=True
        ).stdout
        match = re.search(r"(\d+)(?:\.\d+)?", version)
        if match and int(match.group(1)) == wanted:
            return str(directory / name)
    raise BusinessError(
        OperationError.PG_CLIENT_MISSING, f"Aucun {name} de version {wanted} trouvé."
    )


def _pg_connection_args() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run_pg(name: str, arguments: list[str]) -> None:
    args, env = _pg_connection_args()
    result = subprocess.run(
        [pg_binary(name), *arguments, *args], capture_output=True, text=True, env=env
    )
    if result.returncode:
        raise BusinessError(
            OperationError.PG_COMMAND_FAILED, f"{name} : {result.stderr.strip()[-1000:]}"
        )


# --- public rows ------------------------------------------------------------------------------
def _is_public_model(model: type[models.Model]) -> bool:
    tenant_apps = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS}
    return (
        model._meta.app_label not in tenant_apps and model._meta.label_lower not in _SKIPPED_MODELS
    )


def _public_targets_of_schema(structure: Structure) -> dict[type[models.Model], set]:
    """Primary keys of public rows that the structure's own tables point to."""
    targets: dict[type[models.Model], set] = {}
    tenant_labels = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS}
    with schema_context(structure.schema_name):
        for model in apps.get_models(include_auto_created=True):
            if (
                model._meta.app_label not in tenant_labels
                or model._meta.app_label == "contenttypes"
            ):
                continue
            for field in model._meta.concrete_fields:
                target = field.related_model if field.is_relation else None
                if target is not None and _is_public_model(target):
                    values = model._default_manager.exclude(**{field.attname: None}).values_list(
                        field.attname, flat=True
                    )
                    targets.setdefault(target, set()).update(values.distinct())
    return targets


def _closure(seed: list[models.Model], extra: dict[type[models.Model], set]) -> list[models.Model]:
    """``seed`` plus every public row they point to, transitively (forward FKs and M2M)."""
    seen: dict[tuple[str, object], models.Model] = {}
    queue: list[models.Model] = list(seed)
    for model, pks in extra.items():
        queue += list(model._default_manager.filter(pk__in=pks))
    while queue:
        obj = queue.pop()
        key = (obj._meta.label_lower, obj.pk)
        if key in seen:
            continue
        seen[key] = obj
        for field in obj._meta.get_fields():
            target = field.related_model
            if not (field.concrete and field.is_relation and target and _is_public_model(target)):
                continue
            if field.many_to_many:
                queue += list(getattr(obj, field.name).all())
            elif (related := getattr(obj, field.name, None)) is not None:
                queue.append(related)
    return list(seen.values())


def _structure_links(relation) -> tuple[type[models.Model], str] | None:
    """(model, field) of the rows pointing to a structure through ``relation``: the model
    itself for a foreign key, the link table for a many-to-many of another model."""
    model = relation.related_model
    if relation.many_to_many:
        model = relation.field.remote_field.through
        names = [f.name for f in model._meta.fields if f.related_model is Structure]
        return (model, names[0]) if len(names) == 1 and _is_public_model(model) else None
    return (model, relation.field.name) if _is_public_model(model) else None


def rows_of_structure(structure: Structure) -> list[models.Model]:
    """Every public row that belongs to the structure: the rows of every public table with
    a foreign key to it (domain, roles, expert assignments, review snapshots, audit rows,
    requests…) and its links in other models' many-to-many tables (campaigns concerned),
    found through the model's relations so that a new table is never missed."""
    rows: list[models.Model] = []
    for relation in Structure._meta.related_objects:
        found = _structure_links(relation)
        if found is not None:
            model, name = found
            rows += list(model._base_manager.filter(**{name: structure}).order_by("pk"))
    return rows


def public_rows(structure: Structure) -> list[models.Model]:
    seed: list[models.Model] = [structure, *rows_of_structure(structure)]
    return _closure(seed, _public_targets_of_schema(structure))


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder rounds times to milliseconds; a backup keeps microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _serialize(rows: list[models.Model]) -> str:
    by_model: dict[type[models.Model], list] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    data = []
    for model in serializers.sort_dependencies([(m._meta.app_config, [m]) for m in by_model]):
        skipped = {"groups", "user_permissions"} if model is get_user_model() else set()
        if model is not Structure:  # links to other structures are theirs, not ours
            skipped |= {f.name for f in model._meta.many_to_many if f.related_model is Structure}
        fields = [f.name for f in model._meta.get_fields() if f.concrete and f.name not in skipped]
        ordered = sorted(by_model[model], key=lambda o: o.pk)
        data += json.loads(
            serializers.serialize("json", ordered, fields=fields, cls=_ExactJSONEncoder)
        )
    return json.dumps(data, ensure_ascii=False, indent=1)


# --- backup ------------------------------------------------------------------------------------
def media_dir(schema_name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / schema_name


def backup_structure(*, structure: Structure, destination: Path) -> Path:
    """Write ``destination`` (a ``.tar.gz``) with the structure's schema, public rows and files."""
    destination = Path(destination)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        _run_pg(
            "pg_dump",
            [
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--schema",
                structure.schema_name,
                "--file",
                str(work / "schema.dump"),
            ],
        )
        (work / "public.json").write_text(_serialize(public_rows(structure)), encoding="utf-8")
        manifest = {
            "format": ARCHIVE_FORMAT,
            "schema_name": structure.schema_name,
            "slug": structure.slug,
            "created_at": timezone.now().isoformat(),
            "server_major_version": server_major_version(),
            "migrations": migrations_on_disk(),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        destination.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(destination, "w:gz") as archive:
            for name in ("manifest.json", "public.json", "schema.dump"):
                archive.add(work / name, arcname=name)
            if media_dir(structure.schema_name).is_dir():
                archive.add(media_dir(structure.schema_name), arcname="files")
    log_operation(
        "backup_structure",
        schema=structure.schema_name,
        archive=destination.name,
        bytes=destination.stat().st_size,
    )
    return destination


# --- restore -----------------------------------------------------------------------------------
def _restore_public_rows(payload: str) -> list[type[models.Model]]:
    created: set[type[models.Model]] = set()
    for item in serializers.deserialize("json", io.StringIO(payload)):
        model = type(item.object)
        if model._default_manager.filter(pk=item.object.pk).exists():
            continue
        item.save()  # raw save: no signal, no schema creation for the Structure
        created.add(model)
    return list(created)


def _reset_sequences(created: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), created)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def restore_structure(*, archive: Path) -> Structure:
    """Restore a structure from ``archive``; refused if its slug or schema already exists."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != ARCHIVE_FORMAT:
            raise BusinessError(OperationError.ARCHIVE_FORMAT, "Format d'archive inconnu.")
        schema_name = manifest["schema_name"]
        tenancy.set_schema_to_public()
        if Structure.objects.filter(slug=manifest["slug"]).exists() or _schema_exists(schema_name):
            raise BusinessError(
                OperationError.STRUCTURE_EXISTS, f"La structure {manifest['slug']} existe déjà."
            )
        with transaction.atomic():
            created = _restore_public_rows((work / "public.json").read_text(encoding="utf-8"))
            _reset_sequences(created)
        _run_pg(
            "pg_restore",
            [
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                str(work / "schema.dump"),
            ],
        )
        result = migrate_one_schema(schema_name)
        if not result.ok:
            raise BusinessError(OperationError.MIGRATION_FAILED, result.error)
        if (work / "files").is_dir():
            shutil.copytree(work / "files", media_dir(schema_name), dirs_exist_ok=True)
    log_operation("restore_structure", schema=schema_name, archive=Path(archive).name)
    return Structure.objects.get(schema_name=schema_name)


def _schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        return cursor.fetchone() is not None
