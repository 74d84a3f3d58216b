"""Bulk import of structures from a CSV or XLSX file (the way a federation holds its list).

1. ``start_structure_import`` parses the file and validates every row before anything is
   created: bad FINESS/SIRET, unknown territory or group, duplicate slug/FINESS (in the
   file or in the network), missing field. Every error is reported with its line and
   field; one error refuses the whole file (statut ``rejete``).
2. A valid file becomes a durable job (``core.jobs``, task
   ``tenants.tasks.run_structure_import_task``) which calls ``run_structure_import``:
   each structure is created and its schema provisioned, the progress (``faits`` /
   ``total``) is saved with each one so the page can show it. If a row fails, the
   structures already created by this import are removed (rows and schemas): all or
   nothing. If the worker dies, the job is resumed at the first row not created.

One transaction per structure (not one for the whole file): PostgreSQL would need a
lock per created table, far beyond ``max_locks_per_transaction`` for 500 schemas, and
the progress must be visible to the page while the import runs.

File format: see docs/organisation.md (columns ``nom``, ``type``, ``territoire`` required;
``slug``, ``finess``, ``siret``, ``adresse``, ``code_postal``, ``ville``, ``groupes``
(separated by ``;``), ``phase``, ``date_engagement``, ``directeur_nom``,
``directeur_email``, ``referent_nom``, ``referent_email`` optional).
"""

from __future__ import annotations

import datetime
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import jobs, tabular
from core.actors import SYSTEM
from core.errors import BusinessError
from tenants import access, audit, provisioning, services
from tenants.errors import TenantsError
from tenants.models import (
    AuditLog,
    GroupeTravail,
    ImportStructures,
    Structure,
    Territoire,
    User,
)
from tenants.workflow import IMPORT

Statut = ImportStructures.Statut
JOB_KIND = "structure_import"

REQUIRED = ("nom", "type", "territoire")
OPTIONAL = (
    "slug",
    "finess",
    "siret",
    "adresse",
    "code_postal",
    "ville",
    "groupes",
    "phase",
    "date_engagement",
    "directeur_nom",
    "directeur_email",
    "referent_nom",
    "referent_email",
)
HEADER_ALIASES = {
    "raison_sociale": "nom",
    "nom_de_la_structure": "nom",
    "structure": "nom",
    "n_finess": "finess",
    "numero_finess": "finess",
    "n_siret": "siret",
    "numero_siret": "siret",
    "ut": "territoire",
    "union_territoriale": "territoire",
    "groupe": "groupes",
    "groupes_de_travail": "groupes",
    "identifiant": "slug",
    "cp": "code_postal",
    "directeur": "directeur_nom",
    "directrice": "directeur_nom",
    "referent": "referent_nom",
    "referent_technique": "referent_nom",
    "engagement": "date_engagement",
}
PHASES = {
    "preparatoire": Structure.Phase.PREPARATOIRE,
    "phase_preparatoire": Structure.Phase.PREPARATOIRE,
    "deploiement": Structure.Phase.DEPLOIEMENT,
}
XLSX_TYPES = (".xlsx",)
CSV_TYPES = (".csv", ".txt")
# A federation's list of structures: a few hundred, a few thousand at most.
IMPORT_LIMITS = tabular.DEFAULT_LIMITS.but(max_rows=5_000, max_columns=40)


@dataclass
class ParsedFile:
    """Rows as {column: text} with the file's line number (header = line 1)."""

    rows: list[tuple[int, dict[str, str]]]
    columns: list[str]


@dataclass
class Validation:
    lignes: list[dict[str, Any]] = field(default_factory=list)
    erreurs: list[dict[str, Any]] = field(default_factory=list)
    total_erreurs: int = 0

    def error(self, ligne: int, champ: str, code: str, message: str) -> None:
        """Count every error; keep the first ``IMPORT_LIMITS.max_errors`` of them."""
        self.total_erreurs += 1
        if len(self.erreurs) < IMPORT_LIMITS.max_errors:
            self.erreurs.append(
                {"ligne": ligne, "field": champ, "code": str(code), "message": str(message)}
            )

    def close(self) -> Validation:
        """One last line for the errors not kept ("… et M autres erreurs")."""
        omitted = self.total_erreurs - len(self.erreurs)
        if omitted > 0:
            self.erreurs.append({**tabular.more_errors(omitted), "ligne": "", "field": ""})
        return self


# --- Parsing ------------------------------------------------------------------------------


def parse_file(*, name: str, content: bytes) -> ParsedFile:
    """Read a CSV (``;`` or ``,``, UTF-8 or Windows-1252) or XLSX file into rows, through
    the bounded reader (``core.tabular``: size, zip, row, column limits)."""
    lowered = name.lower()
    if not lowered.endswith(XLSX_TYPES + CSV_TYPES):
        raise BusinessError(
            TenantsError.IMPORT_FORMAT, _("Formats acceptés : CSV ou XLSX."), field="fichier"
        )
    try:
        if lowered.endswith(XLSX_TYPES):
            rows = tabular.first_sheet_rows(content, IMPORT_LIMITS)
            table = [(number, [_cell_text(cell) for cell in row]) for number, row in rows]
        else:
            table = [(n, list(row)) for n, row in tabular.csv_rows(content, IMPORT_LIMITS)]
    except tabular.TableError as error:
        if error.code != tabular.TableErrorCode.UNREADABLE:
            raise
        raise BusinessError(
            TenantsError.IMPORT_FORMAT, _("Le classeur XLSX est illisible."), field="fichier"
        ) from None
    if not table:
        raise BusinessError(TenantsError.IMPORT_FORMAT, _("Le fichier est vide."), field="fichier")
    columns = [_column_name(cell) for cell in table[0][1]]
    parsed_rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in table[1:]:
        parsed_rows.append(
            (
                number,
                {
                    col: (cells[i].strip() if i < len(cells) else "")
                    for i, col in enumerate(columns)
                    if col
                },
            )
        )
    return ParsedFile(rows=parsed_rows, columns=[c for c in columns if c])


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _column_name(header: str) -> str:
    text = unicodedata.normalize("NFKD", header or "").encode("ascii", "ignore").decode()
    key = "_".join(text.lower().replace("°", "").replace("-", " ").replace("'", " ").split())
    key = key.strip("_.")
    return HEADER_ALIASES.get(key, key)


# --- Validation ---------------------------------------------------------------------------


def validate_rows(parsed: ParsedFile, *, user: User) -> Validation:
    """Check every row; return the rows ready to create and every error (line, field)."""
    result = Validation()
    for column in REQUIRED:
        if column not in parsed.columns:
            result.error(
                1,
                column,
                TenantsError.MISSING_FIELD,
                _("Colonne obligatoire absente : %(col)s.") % {"col": column},
            )
    if result.erreurs:
        return result
    territoires = _territoires_by_key()
    groupes: dict[tuple[int | None, str], GroupeTravail] = {
        (g.territoire_id, _key(g.nom)): g for g in GroupeTravail.objects.all()
    }
    # A group may gather structures of several territories: a name is looked up in the
    # structure's territory first, then in the whole network when it is unique there.
    groupes_by_name: dict[str, list[GroupeTravail]] = defaultdict(list)
    for known in groupes.values():
        groupes_by_name[_key(known.nom)].append(known)
    slugs = [r.get("slug") or slugify(r.get("nom", ""))[:63] for _, r in parsed.rows]
    finesses = [r.get("finess", "").replace(" ", "").upper() for _, r in parsed.rows]
    taken_slugs = set(Structure.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    taken_schemas = set(
        Structure.objects.values_list("schema_name", flat=True).filter(
            schema_name__in=[services.schema_name_for(s) for s in slugs]
        )
    )
    taken_finess = set(
        Structure.objects.filter(finess__in=[f for f in finesses if f]).values_list(
            "finess", flat=True
        )
    )
    seen_slugs: dict[str, int] = {}
    seen_finess: dict[str, int] = {}
    managed: dict[int, bool] = {}
    for (line, row), slug, finess in zip(parsed.rows, slugs, finesses, strict=True):
        before = result.total_erreurs
        for column in REQUIRED:
            if not row.get(column):
                result.error(
                    line,
                    column,
                    TenantsError.MISSING_FIELD,
                    _("Champ obligatoire vide : %(col)s.") % {"col": column},
                )
        territoire = None
        if row.get("territoire"):
            territoire = territoires.get(_key(row["territoire"]))
            if territoire is None:
                result.error(
                    line,
                    "territoire",
                    TenantsError.UNKNOWN_TERRITOIRE,
                    _("Territoire inconnu : « %(t)s ».") % {"t": row["territoire"]},
                )
            else:
                if territoire.pk not in managed:
                    managed[territoire.pk] = access.can_manage_territoire(user, territoire)
                if not managed[territoire.pk]:
                    result.error(
                        line,
                        "territoire",
                        TenantsError.FORBIDDEN,
                        _("Vous ne pouvez pas créer de structure dans ce territoire."),
                    )
        groupe_ids = []
        for name in filter(None, (n.strip() for n in row.get("groupes", "").split(";"))):
            groupe = groupes.get((territoire.pk if territoire else None, _key(name)))
            candidates = groupes_by_name.get(_key(name), [])
            if groupe is None and len(candidates) == 1:
                groupe = candidates[0]
            if groupe is None:
                result.error(
                    line,
                    "groupes",
                    TenantsError.UNKNOWN_GROUPE,
                    _(
                        "Plusieurs groupes de travail s'appellent « %(g)s » dans d'autres "
                        "territoires : créez la structure puis choisissez le groupe sur sa fiche."
                    )
                    % {"g": name}
                    if candidates
                    else _("Groupe de travail inconnu : « %(g)s ».") % {"g": name},
                )
            else:
                groupe_ids.append(groupe.pk)
        if slug in seen_slugs:
            result.error(
                line,
                "slug",
                TenantsError.DUPLICATE,
                _("Identifiant « %(s)s » déjà utilisé ligne %(l)s.")
                % {"s": slug, "l": seen_slugs[slug]},
            )
        elif slug in taken_slugs or services.schema_name_for(slug) in taken_schemas:
            result.error(
                line,
                "slug",
                TenantsError.DUPLICATE,
                _("Une structure du réseau a déjà l'identifiant « %(s)s ».") % {"s": slug},
            )
        seen_slugs.setdefault(slug, line)
        if finess:
            if finess in seen_finess:
                result.error(
                    line,
                    "finess",
                    TenantsError.DUPLICATE,
                    _("FINESS %(f)s déjà présent ligne %(l)s.")
                    % {"f": finess, "l": seen_finess[finess]},
                )
            elif finess in taken_finess:
                result.error(
                    line,
                    "finess",
                    TenantsError.DUPLICATE,
                    _("Une structure du réseau a déjà le FINESS %(f)s.") % {"f": finess},
                )
            seen_finess.setdefault(finess, line)
        fields = _model_fields(row, line, result)
        fields.update(
            nom=row.get("nom", ""),
            slug=slug,
            finess=finess,
            territoire_id=territoire.pk if territoire else None,
        )
        candidate = Structure(schema_name=services.schema_name_for(slug), **fields)
        try:
            candidate.full_clean(
                exclude=["territoire"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for champ, messages in error.message_dict.items():
                if champ in REQUIRED and not row.get(champ):
                    continue  # already reported as missing
                for message in messages:
                    result.error(line, champ, TenantsError.INVALID_VALUE, message)
        if result.total_erreurs == before:
            result.lignes.append({**_json_ready(fields), "groupes": groupe_ids, "ligne": line})
    return result.close()


def _model_fields(row: dict[str, str], line: int, result: Validation) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: row.get(name, "")
        for name in (
            "siret",
            "adresse",
            "code_postal",
            "ville",
            "directeur_nom",
            "directeur_email",
            "referent_nom",
            "referent_email",
        )
    }
    fields["siret"] = fields["siret"].replace(" ", "")
    fields["type"] = row.get("type", "").upper()
    phase = _key(row.get("phase", ""))
    if phase and phase not in PHASES:
        result.error(
            line,
            "phase",
            TenantsError.INVALID_VALUE,
            _("Phase inconnue (préparatoire ou déploiement)."),
        )
    fields["phase"] = PHASES.get(phase, Structure.Phase.PREPARATOIRE)
    fields["date_engagement"] = None
    if row.get("date_engagement"):
        fields["date_engagement"] = _parse_date(row["date_engagement"])
        if fields["date_engagement"] is None:
            result.error(
                line,
                "date_engagement",
                TenantsError.INVALID_VALUE,
                _("Date invalide (JJ/MM/AAAA attendu)."),
            )
    return fields


def _parse_date(text: str) -> datetime.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _json_ready(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in fields.items()}


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return "_".join(text.lower().replace("-", " ").split())


def _territoires_by_key() -> dict[str, Territoire]:
    found = {}
    for territoire in Territoire.objects.all():
        found[_key(territoire.nom)] = territoire
        found[_key(territoire.code)] = territoire
    return found


# --- Workflow -----------------------------------------------------------------------------


def _transition(record: ImportStructures, to: str, *, actor: Any, comment: str = "") -> None:
    """Move the import along its workflow (``tenants.workflow.IMPORT``); the background
    job's moves run as ``SYSTEM``."""
    IMPORT.apply(record, to=to, actor=actor, commentaire=comment)


# --- Services -----------------------------------------------------------------------------


@transaction.atomic
def start_structure_import(*, name: str, content: bytes, user: User) -> ImportStructures:
    """Validate the file; if it is clean, queue its import (Celery, after commit)."""
    if not (access.is_federation_admin(user) or access.is_pilote(user)):
        raise BusinessError(
            TenantsError.FORBIDDEN, _("Import réservé à la fédération et aux pilotes."), status=403
        )
    parsed = parse_file(name=name, content=content)
    validation = validate_rows(parsed, user=user)
    record = ImportStructures(
        fichier_nom=name[:255],
        auteur=user,
        lignes=[] if validation.erreurs else validation.lignes,
        erreurs=validation.erreurs,
        total=0 if validation.erreurs else len(validation.lignes),
    )
    _transition(record, Statut.REJETE if validation.erreurs else Statut.EN_ATTENTE, actor=user)
    if not validation.erreurs:
        jobs.submit(
            kind=JOB_KIND,
            key=f"{JOB_KIND}:{record.pk}",
            task_name="tenants.tasks.run_structure_import_task",
            payload={"import_id": record.pk},
        )
    return record


def run_structure_import_job(job, progress: jobs.Progress) -> dict:
    """The job handler (``core.jobs``): run or resume the import named by the job."""
    record = run_structure_import(import_id=job.payload["import_id"], progress=progress)
    return {"statut": record.statut, "faits": record.faits, "total": record.total}


def give_up_structure_import(job) -> None:
    """The job was attempted too many times (each attempt killed its worker): undo it."""
    record = ImportStructures.objects.get(pk=job.payload["import_id"])
    if record.statut == Statut.EN_COURS:
        _fail(record, _("Import interrompu trop de fois."))


def run_structure_import(
    *, import_id: int, progress: jobs.Progress | None = None
) -> ImportStructures:
    """Create every structure of a validated import, or none; resumable and idempotent.

    Each row is created in one transaction together with the import's progress
    (``structures_creees`` grows by the new structure, ``faits`` by one): after a crash
    the row is either fully there (structure, domain, schema, progress) or not at all, and
    a resumed run starts at row ``len(structures_creees)``. A finished import is left as is.

    All or nothing: when a row fails, the failure is written first (``message``) then the
    structures already created are removed one transaction each, shrinking
    ``structures_creees``; a run resumed on an import that carries a message finishes the
    removal. The import ends ``termine`` with every row created, or ``echoue`` with none.
    """
    with transaction.atomic():
        record = ImportStructures.objects.select_for_update().get(pk=import_id)
        if record.statut == Statut.EN_ATTENTE:
            _transition(record, Statut.EN_COURS, actor=SYSTEM)
        elif record.statut != Statut.EN_COURS:
            return record
    if record.message:  # a failure was being undone when the previous run stopped
        return _undo(record)
    total = len(record.lignes)
    while True:
        with transaction.atomic():
            # The import row is locked while a row is created: a concurrent run waits, then
            # sees the progress and goes on with the next row (never the same one twice).
            locked = (
                ImportStructures.objects.select_for_update()
                .defer("lignes", "erreurs")
                .get(pk=import_id)
            )
            if locked.statut != Statut.EN_COURS or locked.message:
                return locked
            created = list(locked.structures_creees)
            if len(created) >= total:
                _transition(locked, Statut.TERMINE, actor=SYSTEM)
                audit.record(
                    action=AuditLog.Action.STRUCTURE_IMPORT,
                    actor=locked.auteur,
                    details={
                        "import": locked.pk,
                        "structures": len(created),
                        "fichier": locked.fichier_nom,
                    },
                )
                return locked
            ligne = record.lignes[len(created)]
            fields = {k: v for k, v in ligne.items() if k != "ligne"}
            fields["groupes"] = list(GroupeTravail.objects.filter(pk__in=fields["groupes"]))
            try:
                with transaction.atomic():
                    structure = services.create_structure(**fields)
            except Exception as error:  # noqa: BLE001 - any failure undoes the whole import
                failure = _("Échec ligne %(l)s : %(e)s. Aucune structure n'a été créée.") % {
                    "l": ligne.get("ligne"),
                    "e": error,
                }
            else:
                failure = ""
                created.append(structure.pk)
                ImportStructures.objects.filter(pk=import_id).update(
                    faits=len(created), structures_creees=created
                )
        if failure:
            return _fail(locked, failure)
        provisioning.release_catalog_cache()  # bounded memory over a long import
        if progress is not None:
            progress.beat(faits=len(created), total=total)


def _fail(record: ImportStructures, message: str) -> ImportStructures:
    ImportStructures.objects.filter(pk=record.pk).update(message=message)
    record.refresh_from_db()
    return _undo(record)


def _undo(record: ImportStructures) -> ImportStructures:
    """Remove the structures this import created (one transaction each), then fail it."""
    remaining = list(record.structures_creees)
    while remaining:
        structure_id = remaining[-1]
        with transaction.atomic():
            for structure in Structure.objects.filter(pk=structure_id):
                structure.groupes.clear()
                structure.delete(force_drop=True)
            remaining.pop()
            ImportStructures.objects.filter(pk=record.pk).update(
                faits=len(remaining), structures_creees=remaining
            )
    record.refresh_from_db()
    _transition(record, Statut.ECHOUE, actor=SYSTEM, comment=record.message)
    return record
