"""Export all the data of one structure (portability): a zip of JSON per table, plus its files.

``data/<app>.<model>.json``: every row of every table of the structure's schema (Django's
JSON serializer); ``reseau/*.json``: its public rows (the structure, its domain, its
people's roles — email and role, never password hashes —, its expert assignments, its
working groups); ``reseau/lignes/<table>.json``: every other public row that belongs to
it (review snapshots, audit rows…, without IP addresses); ``fichiers/``: its uploaded
files; ``manifest.json`` (row counts of every table exported).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Domain, ExpertAffectation, Membership, Structure
from tenants.operations.backup import media_dir, rows_of_structure
from tenants.operations.oplog import log_operation


def _tenant_models():
    labels = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS} - {"contenttypes"}
    return [m for m in apps.get_models(include_auto_created=False) if m._meta.app_label in labels]


def _public_data(structure: Structure) -> dict[str, list]:
    return {
        "structure": json.loads(serializers.serialize("json", [structure])),
        "domaines": list(Domain.objects.filter(tenant=structure).values("domain", "is_primary")),
        "roles": list(
            Membership.objects.filter(structure=structure).values(
                "user__email", "user__first_name", "user__last_name", "role", "created_at"
            )
        ),
        "experts": list(
            ExpertAffectation.objects.filter(structure=structure).values(
                "expert__email", "created_at"
            )
        ),
        "groupes": list(structure.groupes.values("nom", "territoire__nom")),
    }


# Public rows exported above in their own readable form (no ids, no password hashes).
_EXPORTED_ABOVE = {"tenants.domain", "tenants.membership", "tenants.expertaffectation"}
# Never exported: where people connected from.
_PRIVATE_FIELDS = {"ip_address", "password"}


def _other_public_rows(structure: Structure) -> dict[str, str]:
    """Every other public row that belongs to the structure (``backup.rows_of_structure``:
    review snapshots, audit rows, requests…), one JSON list per table."""
    by_model: dict[str, list] = {}
    for row in rows_of_structure(structure):
        label = row._meta.label_lower
        if label not in _EXPORTED_ABOVE:
            by_model.setdefault(label, []).append(row)
    exported = {}
    for label, rows in by_model.items():
        fields = [
            f.name
            for f in rows[0]._meta.concrete_fields
            if f.name not in _PRIVATE_FIELDS and not f.primary_key
        ]
        exported[label] = serializers.serialize("json", rows, fields=fields, indent=1)
    return exported


def export_structure(*, structure: Structure, destination: Path) -> Path:
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    counts = {}
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with schema_context(structure.schema_name):
            for model in _tenant_models():
                rows = model.objects.order_by("pk")
                archive.writestr(
                    f"data/{model._meta.label_lower}.json",
                    serializers.serialize("json", rows, indent=1),
                )
                counts[model._meta.label_lower] = rows.count()
        for name, rows in _public_data(structure).items():
            archive.writestr(
                f"reseau/{name}.json", json.dumps(rows, default=str, ensure_ascii=False, indent=1)
            )
        for label, rows in _other_public_rows(structure).items():
            archive.writestr(f"reseau/lignes/{label}.json", rows)
            counts[label] = len(json.loads(rows))
        files = media_dir(structure.schema_name)
        for path in sorted(files.rglob("*")) if files.is_dir() else []:
            if path.is_file():
                archive.write(path, f"fichiers/{path.relative_to(files)}")
        archive.writestr(
            "manifest.json",
            json.dumps(
                {
                    "slug": structure.slug,
                    "schema_name": structure.schema_name,
                    "exported_at": timezone.now().isoformat(),
                    "rows": counts,
                },
                indent=1,
            ),
        )
    log_operation(
        "export_structure",
        schema=structure.schema_name,
        archive=destination.name,
        rows=sum(counts.values()),
    )
    return destination
