"""Writes on reference frames: drafts and their content, the workflow, copies, imports,
the toolbox. Every function checks that the version it changes is a draft (the models
check it again, so nothing — admin, shell, import — can change a published version)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.actors import SYSTEM, is_system
from core.errors import BusinessError
from core.files import upload_name, upload_size
from referentiels import concordance, purge, selectors, workflow
from referentiels.errors import ReferentielError
from referentiels.io import read_document, validate_document
from referentiels.io.errors import ImportErrors
from referentiels.io.reading import check_size as check_import_size  # noqa: F401 — pages and API refuse big uploads before reading them
from referentiels.io.writing import default_urn
from referentiels.models import (
    CorrespondanceCritere,
    Critere,
    DocumentOutil,
    DocumentOutilFichier,
    EchelleCotation,
    Noeud,
    Referentiel,
    ReferentielVersion,
    ValeurEchelle,
    immutable_error,
)

Statut = ReferentielVersion.Statut
# Toolbox files: office documents, PDF, images, text.
DOCUMENT_EXTENSIONS = {
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".xls",
    ".xlsx",
    ".ods",
    ".ppt",
    ".pptx",
    ".odp",
    ".txt",
    ".png",
    ".jpg",
    ".jpeg",
    ".csv",
}


def ensure_draft(version: ReferentielVersion) -> None:
    """Refuse any change to a published or archived version."""
    statut = (
        ReferentielVersion.objects.filter(pk=version.pk).values_list("statut", flat=True).first()
    )
    if statut != Statut.BROUILLON:
        raise immutable_error(version.numero)


# --- Frames and drafts ---------------------------------------------------------------------


@transaction.atomic
def create_referentiel(*, code: str, titre: str, description: str = "") -> Referentiel:
    if Referentiel.objects.filter(code=code).exists():
        raise BusinessError(
            ReferentielError.DUPLICATE_CODE,
            _("Un référentiel porte déjà le code « %s ».") % code,
            field="code",
        )
    return Referentiel.objects.create(code=code, titre=titre, description=description)


def _check_numero_free(referentiel: Referentiel, numero: str) -> None:
    if referentiel.pk and referentiel.versions.filter(numero=numero).exists():
        raise BusinessError(
            ReferentielError.VERSION_EXISTS,
            _("Le référentiel « %(ref)s » a déjà une version « %(numero)s ».")
            % {"ref": referentiel.titre, "numero": numero},
            field="numero",
            status=409,
        )


@transaction.atomic
def create_draft(
    *,
    referentiel: Referentiel,
    numero: str,
    libelle: str = "",
    types_noeuds: list[str] | None = None,
) -> ReferentielVersion:
    """An empty draft (no scale, no node): fill it, then publish it."""
    _check_numero_free(referentiel, numero)
    return ReferentielVersion.objects.create(
        referentiel=referentiel,
        numero=numero,
        libelle=libelle,
        types_noeuds=types_noeuds or ["theme", "objectif"],
    )


@transaction.atomic
def update_draft(
    *,
    version: ReferentielVersion,
    libelle: str,
    avertissement: str = "",
    echantillon: bool = False,
    options: dict | None = None,
    types_noeuds: list[str] | None = None,
) -> ReferentielVersion:
    ensure_draft(version)
    version.libelle, version.avertissement, version.echantillon = (
        libelle,
        avertissement,
        echantillon,
    )
    if options is not None:
        version.options = options
    if types_noeuds is not None:
        version.types_noeuds = types_noeuds
    version.save()
    return version


@transaction.atomic
def set_echelle(
    *, version: ReferentielVersion, code: str, libelle: str, valeurs: list[dict[str, Any]]
) -> EchelleCotation:
    """Replace the draft's scale. Each value: code, libelle, poids (0..1), exclue, commentaire_obligatoire."""
    ensure_draft(version)
    errors = ImportErrors()
    seen = set()
    for index, valeur in enumerate(valeurs):
        poids = Decimal(str(valeur.get("poids", 0)))
        if not 0 <= poids <= 1:
            errors.add(
                ReferentielError.INVALID,
                _("le poids doit être compris entre 0 et 1."),
                key=f"valeurs[{index}].poids",
            )
        if valeur["code"] in seen:
            errors.add(
                ReferentielError.DUPLICATE_CODE, _("code en double."), key=f"valeurs[{index}].code"
            )
        seen.add(valeur["code"])
    if not valeurs:
        errors.add(
            ReferentielError.NO_SCALE, _("l'échelle doit avoir au moins une valeur."), key="valeurs"
        )
    errors.raise_if_any()
    purge.echelle(version.pk)
    echelle = EchelleCotation.objects.create(version=version, code=code, libelle=libelle)
    ValeurEchelle.objects.bulk_create(
        ValeurEchelle(
            echelle=echelle,
            code=valeur["code"],
            libelle=valeur["libelle"],
            poids=Decimal(str(valeur.get("poids", 0))),
            exclue=bool(valeur.get("exclue")),
            commentaire_obligatoire=bool(valeur.get("commentaire_obligatoire")),
            ordre=index,
        )
        for index, valeur in enumerate(valeurs)
    )
    return echelle


def _next_ordre(queryset) -> int:
    return (queryset.aggregate(m=Max("ordre"))["m"] or 0) + 1


@transaction.atomic
def save_noeud(
    *,
    version: ReferentielVersion,
    code: str,
    type: str,
    titre: str,
    noeud: Noeud | None = None,
    parent: Noeud | None = None,
    description: str = "",
    niveau: int | None = None,
) -> Noeud:
    ensure_draft(version)
    if parent is not None and parent.version_id != version.pk:
        raise BusinessError(
            ReferentielError.UNKNOWN_PARENT,
            _("Le nœud parent n'appartient pas à cette version."),
            field="parent",
        )
    same_code = Noeud.objects.filter(version=version, code=code)
    if noeud is not None:
        same_code = same_code.exclude(pk=noeud.pk)
    if same_code.exists():
        raise BusinessError(
            ReferentielError.DUPLICATE_CODE,
            _("Un nœud porte déjà le code « %s ».") % code,
            field="code",
        )
    if noeud is None:
        noeud = Noeud(
            version=version,
            urn=default_urn(version.referentiel.code, code),
            ordre=_next_ordre(version.noeuds),
        )
    elif noeud.version_id != version.pk:
        raise BusinessError(
            ReferentielError.INVALID, _("Ce nœud n'appartient pas à cette version.")
        )
    noeud.code, noeud.type, noeud.titre, noeud.parent = code, type, titre, parent
    noeud.description, noeud.niveau = description, niveau
    noeud.save()
    return noeud


@transaction.atomic
def delete_noeud(*, noeud: Noeud) -> None:
    ensure_draft(noeud.version)
    noeud.delete()


def _theme_of(noeud: Noeud) -> Noeud:
    seen = set()
    while noeud.parent is not None and noeud.pk not in seen:  # no query without a parent
        seen.add(noeud.pk)
        noeud = noeud.parent
    return noeud


CRITERE_TEXT_FIELDS = ("explication", "exemples", "contenu_attendu", "type_livrable")
CRITERE_OTHER_FIELDS = (
    "niveau",
    "sources",
    "preuves",
    "imperatif",
    "indicateur_effectivite",
    "applicabilite",
)


@transaction.atomic
def save_critere(
    *,
    version: ReferentielVersion,
    noeud: Noeud,
    code: str,
    titre: str,
    critere: Critere | None = None,
    **fields: Any,
) -> Critere:
    """Create or change a criterion of a draft. ``fields``: explication, exemples,
    contenu_attendu, type_livrable, niveau, sources, preuves, imperatif,
    indicateur_effectivite, applicabilite. The urn of an existing criterion never changes."""
    ensure_draft(version)
    unknown = set(fields) - set(CRITERE_TEXT_FIELDS) - set(CRITERE_OTHER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    if noeud.version_id != version.pk:
        raise BusinessError(
            ReferentielError.UNKNOWN_PARENT,
            _("Le nœud choisi n'appartient pas à cette version."),
            field="noeud",
        )
    same_code = Critere.objects.filter(version=version, code=code)
    if critere is not None:
        same_code = same_code.exclude(pk=critere.pk)
    if same_code.exists():
        raise BusinessError(
            ReferentielError.DUPLICATE_CODE,
            _("Un critère porte déjà le code « %s ».") % code,
            field="code",
        )
    if critere is None:
        critere = Critere(
            version=version,
            urn=default_urn(version.referentiel.code, code),
            ordre=_next_ordre(version.criteres),
        )
    elif critere.version_id != version.pk:
        raise BusinessError(
            ReferentielError.INVALID, _("Ce critère n'appartient pas à cette version.")
        )
    critere.noeud, critere.theme, critere.code, critere.titre = noeud, _theme_of(noeud), code, titre
    for name, value in fields.items():
        setattr(critere, name, value if value is not None or name == "niveau" else "")
    critere.save()
    return critere


@transaction.atomic
def delete_critere(*, critere: Critere) -> None:
    ensure_draft(critere.version)
    critere.delete()


@transaction.atomic
def delete_draft(*, version: ReferentielVersion) -> None:
    """Delete a draft. A published/archived version, or one structures answered, stays."""
    version = ReferentielVersion.objects.select_for_update().get(pk=version.pk)
    if version.utilisee:
        raise BusinessError(
            ReferentielError.VERSION_USED,
            _("Des structures ont répondu à cette version : elle ne peut jamais être supprimée."),
            status=409,
        )
    ensure_draft(version)
    version.delete()


# --- Workflow ------------------------------------------------------------------------------


@transaction.atomic
def publish_version(
    *, version: ReferentielVersion, user, commentaire: str = ""
) -> ReferentielVersion:
    """Draft → published, once it has a scale and at least one criterion. The mapping from
    the version it was copied from (same urn) is refreshed first. ``user``: a frame
    manager, or ``core.actors.SYSTEM`` (bundled frames)."""
    ensure_draft(version)
    refresh_correspondances(version=version)
    return workflow.apply_transition(
        version=version, to=Statut.PUBLIE, user=user, commentaire=commentaire
    )


def archive_version(
    *, version: ReferentielVersion, user, commentaire: str = ""
) -> ReferentielVersion:
    return workflow.apply_transition(
        version=version, to=Statut.ARCHIVE, user=user, commentaire=commentaire
    )


def mark_version_used(version: ReferentielVersion) -> None:
    """Called by the self-diagnosis when an autodiagnostic is opened on ``version``: from
    then on the version can never be deleted. Idempotent, one UPDATE."""
    if version.statut == Statut.BROUILLON:
        raise BusinessError(
            ReferentielError.NOT_DRAFT,
            _("Un autodiagnostic ne peut porter que sur une version publiée."),
        )
    ReferentielVersion.objects.filter(pk=version.pk, utilisee=False).update(utilisee=True)
    version.utilisee = True


# --- New versions --------------------------------------------------------------------------


@transaction.atomic
def refresh_correspondances(*, version: ReferentielVersion) -> int:
    """Map each criterion of the version it was copied from to the criterion with the same
    urn in ``version`` (CorrespondanceCritere). Returns how many were mapped."""
    ensure_draft(version)
    CorrespondanceCritere.objects.filter(nouveau__version=version).delete()
    if version.copiee_de_id is None:
        return 0
    old = dict(Critere.objects.filter(version_id=version.copiee_de_id).values_list("urn", "pk"))
    pairs = [
        CorrespondanceCritere(ancien_id=old[urn], nouveau_id=pk)
        for urn, pk in Critere.objects.filter(version=version).values_list("urn", "pk")
        if urn in old
    ]
    CorrespondanceCritere.objects.bulk_create(pairs)
    return len(pairs)


@transaction.atomic
def create_next_version(
    *, referentiel: Referentiel, numero: str, libelle: str = "", user=None
) -> ReferentielVersion:
    """A new draft copied from the last published version (urns kept, texts and toolbox
    documents copied) with the mapping old criterion → new criterion."""
    source = selectors.last_published(referentiel)
    if source is None:
        raise BusinessError(
            ReferentielError.NO_PUBLISHED_VERSION,
            _("Ce référentiel n'a pas de version publiée à copier."),
            status=409,
        )
    _check_numero_free(referentiel, numero)
    source = selectors.version_with_tree(source.pk)
    version = ReferentielVersion.objects.create(
        referentiel=referentiel,
        numero=numero,
        libelle=libelle or source.libelle,
        echantillon=source.echantillon,
        avertissement=source.avertissement,
        options=dict(source.options),
        types_noeuds=list(source.types_noeuds),
        copiee_de=source,
    )
    echelle = getattr(source, "echelle", None)
    if echelle is not None:
        copy = EchelleCotation.objects.create(
            version=version, code=echelle.code, libelle=echelle.libelle
        )
        ValeurEchelle.objects.bulk_create(
            ValeurEchelle(
                echelle=copy,
                code=v.code,
                libelle=v.libelle,
                poids=v.poids,
                exclue=v.exclue,
                commentaire_obligatoire=v.commentaire_obligatoire,
                ordre=v.ordre,
            )
            for v in echelle.valeurs.all()
        )
    node_map = _copy_nodes(version, list(source.noeuds.all()))
    critere_map: dict[int, Critere] = {}
    new_criteres = []
    for critere in source.criteres.all():
        clone = Critere(
            version=version,
            noeud=node_map[critere.noeud_id],
            theme=node_map[critere.theme_id],
            **{name: getattr(critere, name) for name in _CRITERE_COPY_FIELDS},
        )
        new_criteres.append(clone)
        critere_map[critere.pk] = clone
    Critere.objects.bulk_create(new_criteres)
    for document in source.documents.all():
        document_clone = DocumentOutil.objects.create(
            version=version,
            noeud=node_map.get(document.noeud_id),
            critere=None if document.critere_id is None else critere_map.get(document.critere_id),
            type=document.type,
            titre=document.titre,
            texte=document.texte,
            created_by=document.created_by,
        )
        DocumentOutilFichier.objects.bulk_create(
            DocumentOutilFichier(
                document=document_clone,
                numero=fichier.numero,
                fichier=fichier.fichier.name,
                nom_original=fichier.nom_original,
                taille=fichier.taille,
                uploaded_by=fichier.uploaded_by,
            )
            for fichier in document.fichiers.all()
        )
    refresh_correspondances(version=version)
    concordance.copy_concordances(source=source, critere_map=critere_map)
    return version


_CRITERE_COPY_FIELDS = (
    "code",
    "titre",
    "niveau",
    "explication",
    "exemples",
    "contenu_attendu",
    "sources",
    "preuves",
    "type_livrable",
    "imperatif",
    "indicateur_effectivite",
    "applicabilite",
    "ordre",
    "urn",
)


def _copy_nodes(version: ReferentielVersion, noeuds: list[Noeud]) -> dict[int | None, Noeud]:
    """Copy nodes level by level (parents first), one bulk insert per level (old id → copy;
    a None id, no node, finds nothing)."""
    mapping: dict[int | None, Noeud] = {}
    remaining = list(noeuds)
    while remaining:
        level = [n for n in remaining if n.parent_id is None or n.parent_id in mapping]
        if not level:
            break
        clones = [
            Noeud(
                version=version,
                parent=mapping.get(n.parent_id),
                type=n.type,
                code=n.code,
                titre=n.titre,
                description=n.description,
                niveau=n.niveau,
                ordre=n.ordre,
                urn=n.urn,
            )
            for n in level
        ]
        Noeud.objects.bulk_create(clones)
        for original, clone in zip(level, clones, strict=True):
            mapping[original.pk] = clone
        done = {n.pk for n in level}
        remaining = [n for n in remaining if n.pk not in done]
    return mapping


# --- Import --------------------------------------------------------------------------------


def parse_file(*, content: bytes, filename: str = "") -> dict[str, Any]:
    """Read and validate a file; raises BusinessError listing every error."""
    document, errors = read_document(content, filename)
    validate_document(document, errors)
    errors.raise_if_any()
    return document


@transaction.atomic
def import_version(*, content: bytes, filename: str = "", user=None) -> ReferentielVersion:
    """Import a file as a new draft (of an existing frame with the same code, or of a new
    frame). All or nothing: on any error nothing is created."""
    return create_version_from_document(
        document=parse_file(content=content, filename=filename), user=user
    )


def _preorder(document: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """Nodes in tree order (parents first, siblings in file order), criteria by node."""
    children: dict[str | None, list[dict]] = {}
    for noeud in document["noeuds"]:
        children.setdefault(noeud["parent"], []).append(noeud)
    ordered: list[dict] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        noeud = stack.pop()
        ordered.append(noeud)
        stack.extend(reversed(children.get(noeud["code"], [])))
    rank = {noeud["code"]: index for index, noeud in enumerate(ordered)}
    criteres = sorted(
        enumerate(document["criteres"]), key=lambda pair: (rank[pair[1]["noeud"]], pair[0])
    )
    return ordered, [critere for _index, critere in criteres]


@transaction.atomic
def create_version_from_document(*, document: dict[str, Any], user=None) -> ReferentielVersion:
    ref = document["referentiel"]
    referentiel = Referentiel.objects.filter(code=ref["code"]).first()
    if referentiel is None:
        referentiel = Referentiel.objects.create(
            code=ref["code"], titre=ref["titre"], description=ref["description"]
        )
    info = document["version"]
    _check_numero_free(referentiel, info["numero"])
    version = ReferentielVersion.objects.create(
        referentiel=referentiel,
        numero=info["numero"],
        libelle=info["libelle"],
        echantillon=info["echantillon"],
        avertissement=info["avertissement"],
        options=info["options"],
        types_noeuds=info["types_noeuds"],
        copiee_de=selectors.last_published(referentiel),
    )
    echelle_data = document["echelle"]
    echelle = EchelleCotation.objects.create(
        version=version, code=echelle_data["code"], libelle=echelle_data["libelle"]
    )
    ValeurEchelle.objects.bulk_create(
        ValeurEchelle(
            echelle=echelle,
            code=v["code"],
            libelle=v["libelle"],
            poids=v["poids"],
            exclue=v["exclue"],
            commentaire_obligatoire=v["commentaire_obligatoire"],
            ordre=index,
        )
        for index, v in enumerate(echelle_data["valeurs"])
    )
    noeuds, criteres = _preorder(document)
    by_code: dict[str, Noeud] = {}
    theme_of: dict[str, Noeud] = {}
    depth_rows: dict[int, list[tuple[dict, Noeud]]] = {}
    depth_of: dict[str, int] = {}
    for index, data in enumerate(noeuds):  # tree order: a parent comes before its children
        depth = depth_of[data["parent"]] + 1 if data["parent"] else 0
        depth_of[data["code"]] = depth
        node = Noeud(
            version=version,
            type=data["type"],
            code=data["code"],
            titre=data["titre"],
            description=data["description"],
            niveau=data["niveau"],
            ordre=index,
            urn=data["urn"] or default_urn(referentiel.code, data["code"]),
        )
        depth_rows.setdefault(depth, []).append((data, node))
    for depth in sorted(depth_rows):
        for data, node in depth_rows[depth]:
            node.parent = by_code.get(data["parent"]) if data["parent"] else None
        Noeud.objects.bulk_create([node for _data, node in depth_rows[depth]])
        for data, node in depth_rows[depth]:
            by_code[data["code"]] = node
            theme_of[data["code"]] = theme_of[data["parent"]] if data["parent"] else node
    created = Critere.objects.bulk_create(
        Critere(
            version=version,
            noeud=by_code[c["noeud"]],
            theme=theme_of[c["noeud"]],
            code=c["code"],
            titre=c["titre"],
            niveau=c["niveau"],
            explication=c["explication"],
            exemples=c["exemples"],
            contenu_attendu=c["contenu_attendu"],
            sources=c["sources"],
            preuves=c["preuves"],
            type_livrable=c["type_livrable"],
            imperatif=c["imperatif"],
            indicateur_effectivite=c["indicateur_effectivite"],
            applicabilite=c["applicabilite"],
            ordre=index,
            urn=c["urn"] or default_urn(referentiel.code, c["code"]),
        )
        for index, c in enumerate(criteres)
    )
    critere_by_code = {critere.code: critere for critere in created}
    DocumentOutil.objects.bulk_create(
        DocumentOutil(
            version=version,
            type=d["type"],
            titre=d["titre"],
            texte=d["texte"],
            created_by=user,
            noeud=by_code.get(d["noeud"]) if d["noeud"] else None,
            critere=critere_by_code.get(d["critere"]) if d["critere"] else None,
        )
        for d in document["documents"]
    )
    refresh_correspondances(version=version)
    return version


@transaction.atomic
def load_sample(
    *, path: str | Path, publish: bool = True, user: Any = SYSTEM
) -> tuple[ReferentielVersion, bool]:
    """Import a data file once (by frame code + version number) and publish it, by the
    system unless a person is given. Returns (version, created). Running it again changes
    nothing."""
    content = Path(path).read_bytes()
    document = parse_file(content=content, filename=str(path))
    existing = ReferentielVersion.objects.filter(
        referentiel__code=document["referentiel"]["code"],
        numero=document["version"]["numero"],
    ).first()
    created = existing is None
    author = None if is_system(user) else user
    version = existing or create_version_from_document(document=document, user=author)
    if publish and version.statut == Statut.BROUILLON:
        version = publish_version(version=version, user=user)
    return version, created


# --- Toolbox -------------------------------------------------------------------------------


def _check_upload(fichier: UploadedFile) -> None:
    extension = Path(fichier.name or "").suffix.lower()
    if extension not in DOCUMENT_EXTENSIONS:
        raise BusinessError(
            ReferentielError.FILE_TYPE,
            _("Type de fichier non accepté (%s).") % ", ".join(sorted(DOCUMENT_EXTENSIONS)),
            field="fichier",
        )
    if upload_size(fichier) > settings.MAX_UPLOAD_SIZE:
        raise BusinessError(
            ReferentielError.FILE_TOO_LARGE,
            _("Le fichier dépasse %(max)s Mo.")
            % {"max": settings.MAX_UPLOAD_SIZE // (1024 * 1024)},
            field="fichier",
        )


@transaction.atomic
def add_document(
    *,
    version: ReferentielVersion,
    titre: str,
    type: str = DocumentOutil.Type.GUIDE,
    texte: str = "",
    noeud: Noeud | None = None,
    critere: Critere | None = None,
    fichier: UploadedFile | None = None,
    user=None,
) -> DocumentOutil:
    """A toolbox document (guide text and/or model file) of a draft, attached to the version,
    a node or a criterion of it."""
    ensure_draft(version)
    for item in (noeud, critere):
        if item is not None and item.version_id != version.pk:
            raise BusinessError(
                ReferentielError.INVALID, _("Le rattachement n'appartient pas à cette version.")
            )
    if fichier is not None:
        _check_upload(fichier)
    document = DocumentOutil.objects.create(
        version=version,
        titre=titre,
        type=type,
        texte=texte,
        noeud=noeud,
        critere=critere,
        created_by=user,
    )
    if fichier is not None:
        add_document_file(document=document, fichier=fichier, user=user)
    return document


@transaction.atomic
def add_document_file(
    *, document: DocumentOutil, fichier: UploadedFile, user=None
) -> DocumentOutilFichier:
    """A new version of a toolbox document's file. Allowed on published versions too: model
    documents are updated while the frame's criteria stay frozen; older files are kept."""
    _check_upload(fichier)
    numero = (document.fichiers.aggregate(m=Max("numero"))["m"] or 0) + 1
    stored = DocumentOutilFichier(
        document=document,
        numero=numero,
        nom_original=upload_name(fichier)[:255],
        taille=upload_size(fichier),
        uploaded_by=user,
    )
    stored.fichier.save(
        f"{document.pk}-v{numero}{Path(upload_name(fichier)).suffix.lower()}", fichier, save=False
    )
    stored.save()
    return stored
