"""Writes to the quality registers. Descriptions and client references are never logged."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.registres import xlsx
from accompagnement.registres.errors import RegistreError
from accompagnement.registres.forms import form_class
from accompagnement.registres.registry import Registre, field_label, registre_by_slug
from core import jobs, page_jobs, tabular, tenancy
from core.errors import BusinessError
from core.models import Job
from tenants import access
from tenants.models import Structure

logger = logging.getLogger("qualireseau.registres")
IMPORT_JOB = "registre_import"


def _validation_errors(
    registre: Registre, error: ValidationError, *, row: int | None = None
) -> list[dict]:
    errors = []
    for name, messages in error.message_dict.items():
        field = None if name == "general" else name
        for message in messages:
            entry: dict[str, Any] = {
                "code": RegistreError.INVALID_ROW if row else "invalid",
                "message": message,
                "field": field,
            }
            if row is not None:
                entry["row"] = row
                label = field_label(registre, field) if field else _("ligne")
                entry["message"] = _("Ligne %(row)s, %(label)s : %(message)s") % {
                    "row": row,
                    "label": label,
                    "message": message,
                }
            errors.append(entry)
    return errors


@transaction.atomic
def _require_contributor(structure: Structure, user: Any, operation: str) -> None:
    """Registers are written by the structure's directors, référents and contributors, in
    the structure's own schema."""
    tenancy.require_schema(structure.schema_name, operation)
    access.require(access.can_contribute(user, structure))


def save_register_entry(
    *,
    structure: Structure,
    registre: Registre,
    data: dict[str, Any],
    user: Any,
    instance: Model | None = None,
) -> Model:
    """Create or update one entry from cleaned values (validated again here)."""
    _require_contributor(structure, user, "save_register_entry")
    entry = instance or registre.model()
    m2m = {}
    for name in registre.fields:
        if name not in data:
            continue
        if registre.model._meta.get_field(name).many_to_many:
            m2m[name] = data[name]
        else:
            setattr(entry, name, data[name])
    try:
        entry.full_clean()
    except ValidationError as error:
        errors = _validation_errors(registre, error)
        raise BusinessError(
            errors[0]["code"], errors[0]["message"], field=errors[0]["field"], errors=errors
        ) from None
    entry.save()
    for name, values in m2m.items():
        getattr(entry, name).set(values)
    logger.info("registre %s: entry %s saved", registre.slug, entry.pk)
    return entry


@transaction.atomic
def delete_register_entry(
    *, structure: Structure, registre: Registre, instance: Model, user: Any
) -> None:
    _require_contributor(structure, user, "delete_register_entry")
    pk = instance.pk
    instance.delete()
    logger.info("registre %s: entry %s deleted", registre.slug, pk)


def import_register(*, structure: Structure, registre: Registre, content: bytes, user: Any) -> int:
    """Import an XLSX file: every row is validated first; either all rows are saved or
    none (a ``BusinessError`` lists each row's field errors). Returns the count saved."""
    _require_contributor(structure, user, "import_register")
    return _save_forms(registre, _validated_forms(registre, content))


def _save_forms(registre: Registre, forms: list[Any]) -> int:
    """Each form has validated its entry (fields, ``clean``, constraints): the entries are
    inserted as they are, 500 a query (the columns hold no many-to-many link)."""
    with transaction.atomic():
        registre.model._default_manager.bulk_create(
            [bound.instance for bound in forms], batch_size=500
        )
    logger.info("registre %s: %s rows imported", registre.slug, len(forms))
    return len(forms)


@transaction.atomic
def start_register_import(
    *,
    structure: Structure,
    registre: Registre,
    name: str,
    content: bytes,
    user: Any,
    token: str | None = None,
) -> Job:
    """Check the file's format and columns now, then queue its import as a durable job
    (``core.page_jobs``) created in this transaction: the job checks every row and saves
    them all, or reports every refused row and saves none."""
    _require_contributor(structure, user, "start_register_import")
    rows = check_register_file(registre=registre, content=content)
    return page_jobs.start(
        kind=IMPORT_JOB,
        task_name="accompagnement.registres.tasks.import_register_task",
        user_id=user.pk,
        token=token,
        payload={"registre": registre.slug},
        content=content,
        summary={"fichier": name[:255], "lignes": rows, "registre": registre.slug},
    )


def run_register_import_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The job's work: every row checked (outside the transaction: one query a row), then
    all saved with the job's report in one transaction."""
    registre = registre_by_slug(job.payload["registre"])
    forms: list[Any] = []

    def check() -> None:
        forms.extend(_validated_forms(registre, page_jobs.content_of(job)))

    def work() -> dict[str, Any]:
        count = _save_forms(registre, forms)
        return {
            "lignes": count,
            "resume": ngettext("%(n)s ligne importée.", "%(n)s lignes importées.", count)
            % {"n": count},
        }

    return page_jobs.apply_once(job, progress, work, prepare=check)


def _read_file(
    registre: Registre, content: bytes
) -> tuple[list[dict[str, Any]], list[tuple[int, dict[str, Any]]]]:
    """(unknown columns' errors, rows) of a readable, non-empty file; refused otherwise."""
    try:
        unknown, rows = xlsx.read_rows(registre, content)
    except tabular.TableError as error:
        if error.code != tabular.TableErrorCode.UNREADABLE:
            raise
        raise BusinessError(
            RegistreError.INVALID_FILE,
            _("Le fichier n'est pas un classeur Excel (.xlsx) lisible."),
            field="fichier",
        ) from None
    columns = [
        {
            "code": RegistreError.UNKNOWN_COLUMN,
            "field": None,
            "message": _("Colonne inconnue : « %(column)s ».") % {"column": column},
        }
        for column in unknown
    ]
    if not rows and not columns:
        raise BusinessError(
            RegistreError.EMPTY_FILE, _("Le fichier ne contient aucune ligne."), field="fichier"
        )
    return columns, rows


def check_register_file(*, registre: Registre, content: bytes) -> int:
    """The request's part of an import (no query): the file is a readable workbook within
    the limits, with known columns and rows; returns the number of rows. Each row is
    checked by the job (a few queries a row: too long for a request on a large file)."""
    columns, rows = _read_file(registre, content)
    if columns:
        raise BusinessError(columns[0]["code"], columns[0]["message"], errors=columns)
    return len(rows)


def _validated_forms(registre: Registre, content: bytes) -> list[Any]:
    """Every row of the file as a valid form, or a ``BusinessError`` listing each error."""
    columns, rows = _read_file(registre, content)
    errors = tabular.ErrorList(xlsx.IMPORT_LIMITS.max_errors)
    errors.extend(columns)
    forms = []
    form = form_class(registre)
    for number, values in rows:
        missing = [name for name in registre.import_fields if name not in values]
        bound = form(data={name: values.get(name, "") for name in registre.import_fields})
        if missing:
            errors.add(
                {
                    "code": RegistreError.MISSING_COLUMN,
                    "field": None,
                    "row": number,
                    "message": _("Ligne %(row)s : colonnes manquantes (%(columns)s).")
                    % {
                        "row": number,
                        "columns": ", ".join(field_label(registre, n) for n in missing),
                    },
                }
            )
            continue
        if not bound.is_valid():
            errors.extend(
                _validation_errors(
                    registre,
                    ValidationError(
                        bound.errors.get_json_data()
                        and {
                            name: [item["message"] for item in items]
                            for name, items in bound.errors.get_json_data().items()
                        }
                    ),
                    row=number,
                )
            )
            continue
        forms.append(bound)
    if errors:
        reported = errors.reported()
        raise BusinessError(reported[0]["code"], reported[0]["message"], errors=reported)
    return forms
