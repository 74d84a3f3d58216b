"""Reads of reference frames: lists, a version's whole tree in a fixed number of queries,
search, diff of two versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from core.fields import field_label
from referentiels.models import (
    Critere,
    DocumentOutil,
    DocumentOutilFichier,
    Noeud,
    Referentiel,
    ReferentielVersion,
    ValeurEchelle,
)
from tenants import access

Statut = ReferentielVersion.Statut


def versions_visible_to(user: Any) -> QuerySet[ReferentielVersion]:
    """Published and archived versions for every signed-in person; drafts for those who
    manage frames (see ``access.can_view_referentiel_version``)."""
    versions = ReferentielVersion.objects.select_related("referentiel")
    if not access.can_browse_referentiels(user):
        return versions.none()
    if access.can_manage_referentiels(user):
        return versions
    return versions.exclude(statut=Statut.BROUILLON)


def referentiels_with_versions(user: Any) -> list[Referentiel]:
    """Frames that have at least one version visible to ``user``, versions prefetched
    (``referentiel.visible_versions``). Two queries."""
    versions = versions_visible_to(user).order_by("-created_at")
    frames = (
        Referentiel.objects.filter(versions__in=versions).distinct().order_by("titre")
        if not access.can_manage_referentiels(user)
        else Referentiel.objects.order_by("titre")
    )
    return list(
        frames.prefetch_related(Prefetch("versions", queryset=versions, to_attr="visible_versions"))
    )


def version_for(user: Any, version_id: Any) -> ReferentielVersion:
    """The version if ``user`` may see it; 404 otherwise (missing or forbidden alike)."""
    version = versions_visible_to(user).filter(pk=version_id).first()
    if version is None:
        raise Http404
    return version


def version_with_tree(version_id: int) -> ReferentielVersion:
    """A version with its scale, nodes, criteria and toolbox documents, prefetched in a
    constant number of queries (7), whatever its size."""
    documents = DocumentOutil.objects.order_by("titre", "pk").prefetch_related(
        Prefetch("fichiers", queryset=DocumentOutilFichier.objects.order_by("-numero"))
    )
    return (
        ReferentielVersion.objects.select_related("referentiel", "echelle", "copiee_de")
        .prefetch_related(
            Prefetch("echelle__valeurs", queryset=ValeurEchelle.objects.order_by("ordre", "pk")),
            Prefetch("noeuds", queryset=Noeud.objects.order_by("ordre", "pk")),
            Prefetch("criteres", queryset=Critere.objects.order_by("ordre", "pk")),
            Prefetch("documents", queryset=documents),
        )
        .get(pk=version_id)
    )


@dataclass
class TreeNode:
    noeud: Noeud
    enfants: list[TreeNode] = field(default_factory=list)
    criteres: list[Critere] = field(default_factory=list)
    documents: list[DocumentOutil] = field(default_factory=list)

    @property
    def critere_count(self) -> int:
        return len(self.criteres) + sum(child.critere_count for child in self.enfants)


def build_tree(version: ReferentielVersion) -> list[TreeNode]:
    """The ordered tree of a version returned by ``version_with_tree`` (no query)."""
    nodes = {noeud.pk: TreeNode(noeud) for noeud in version.noeuds.all()}
    roots: list[TreeNode] = []
    for item in nodes.values():
        (nodes[item.noeud.parent_id].enfants if item.noeud.parent_id in nodes else roots).append(
            item
        )
    for critere in version.criteres.all():
        if critere.noeud_id in nodes:
            nodes[critere.noeud_id].criteres.append(critere)
    for document in version.documents.all():
        if document.noeud_id in nodes and not document.critere_id:
            nodes[document.noeud_id].documents.append(document)
    return roots


def search_criteres(version: ReferentielVersion, query: str) -> QuerySet[Critere]:
    """Criteria whose code starts with ``query`` or whose texts contain every word of it."""
    criteres = (
        Critere.objects.filter(version=version).select_related("noeud", "theme").order_by("ordre")
    )
    query = (query or "").strip()
    if not query:
        return criteres.none()
    condition = Q(code__istartswith=query)
    words = Q()
    for word in query.split()[:8]:
        words &= (
            Q(titre__icontains=word)
            | Q(explication__icontains=word)
            | Q(contenu_attendu__icontains=word)
            | Q(exemples__icontains=word)
        )
    return criteres.filter(condition | words)


def critere_detail(version: ReferentielVersion, code: str) -> Critere:
    critere = (
        Critere.objects.filter(version=version, code=code)
        .select_related("noeud", "theme", "noeud__parent")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=DocumentOutil.objects.order_by("titre").prefetch_related("fichiers"),
            ),
            "correspondances_precedentes__ancien__version",
        )
        .first()
    )
    if critere is None:
        raise Http404
    return critere


def last_published(referentiel: Referentiel) -> ReferentielVersion | None:
    return (
        referentiel.versions.filter(statut=Statut.PUBLIE).order_by("-published_at", "-pk").first()
    )


# --- Diff ----------------------------------------------------------------------------------

DIFF_FIELDS = (
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
)


@dataclass
class CritereChange:
    urn: str
    ancien: Critere
    nouveau: Critere
    champs: list[str]

    @property
    def details(self) -> list[FieldChange]:
        """Each changed field with its label and its old and new text, as people read them."""
        return [
            FieldChange(
                champ=name,
                libelle=_field_label(name),
                avant=_field_text(self.ancien, name),
                apres=_field_text(self.nouveau, name),
            )
            for name in self.champs
        ]


@dataclass(frozen=True)
class FieldChange:
    champ: str
    libelle: str
    avant: str
    apres: str


def _field_label(name: str) -> str:
    if name == "noeud":
        return gettext("Rattachement dans l'arborescence")
    return field_label(Critere, name).capitalize()


def _field_text(critere: Critere, name: str) -> str:
    """A criterion's field as text: yes/no for flags, one item per line for lists, the node's
    code and title for its node, a dash when empty."""
    value = getattr(critere, name)
    if name == "noeud":
        return f"{value.code} {value.titre}"
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if isinstance(value, list):
        value = "\n".join(str(item) for item in value)
    return str(value) if value not in (None, "") else "—"


@dataclass
class VersionDiff:
    ancienne: ReferentielVersion
    nouvelle: ReferentielVersion
    ajoutes: list[Critere] = field(default_factory=list)
    supprimes: list[Critere] = field(default_factory=list)
    modifies: list[CritereChange] = field(default_factory=list)
    inchanges: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.ajoutes or self.supprimes or self.modifies)


def _criteria_by_urn(version: ReferentielVersion) -> dict[str, Critere]:
    return {
        c.urn: c
        for c in Critere.objects.filter(version=version).select_related("noeud").order_by("ordre")
    }


def diff_versions(ancienne: ReferentielVersion, nouvelle: ReferentielVersion) -> VersionDiff:
    """Criteria added, removed and changed from ``ancienne`` to ``nouvelle``, matched by urn
    (changing a criterion's node counts as a change of ``noeud``). Two queries."""
    old, new = _criteria_by_urn(ancienne), _criteria_by_urn(nouvelle)
    diff = VersionDiff(ancienne, nouvelle)
    diff.ajoutes = [critere for urn, critere in new.items() if urn not in old]
    diff.supprimes = [critere for urn, critere in old.items() if urn not in new]
    for urn, critere in new.items():
        before = old.get(urn)
        if before is None:
            continue
        changed = [name for name in DIFF_FIELDS if getattr(before, name) != getattr(critere, name)]
        if before.noeud.code != critere.noeud.code:
            changed.append("noeud")
        if changed:
            diff.modifies.append(CritereChange(urn, before, critere, changed))
        else:
            diff.inchanges += 1
    return diff
