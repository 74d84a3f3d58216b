"""Deleting draft content without Django's cascade collector.

Structures' answers (``diagnostics.Reponse``…) live in tenant schemas and point at
criteria and scale values of the public schema. Django's collector would look for them in
the current schema, where their tables do not exist (public) or are the wrong tenant's. A
draft is never answered (only published versions are, see ``mark_version_used``), so its
rows are deleted directly, children first. Callers check that the version is a draft.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q


def _raw_delete(queryset) -> None:
    queryset._raw_delete(queryset.db)


def documents(ids: Iterable[int]) -> None:
    from referentiels.models import DocumentOutil, DocumentOutilFichier

    ids = list(ids)
    _raw_delete(DocumentOutilFichier.objects.filter(document_id__in=ids))
    _raw_delete(DocumentOutil.objects.filter(pk__in=ids))


def criteres(ids: Iterable[int]) -> None:
    from referentiels.models import CorrespondanceCritere, Critere, DocumentOutil

    ids = list(ids)
    _raw_delete(CorrespondanceCritere.objects.filter(Q(ancien_id__in=ids) | Q(nouveau_id__in=ids)))
    documents(DocumentOutil.objects.filter(critere_id__in=ids).values_list("pk", flat=True))
    _raw_delete(Critere.objects.filter(pk__in=ids))


def noeuds(ids: Iterable[int]) -> None:
    """Nodes with their whole subtree, criteria and documents."""
    from referentiels.models import Critere, DocumentOutil, Noeud

    subtree = set(ids)
    frontier = set(subtree)
    while frontier:
        frontier = (
            set(Noeud.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - subtree
        )
        subtree |= frontier
    criteres(
        Critere.objects.filter(Q(noeud_id__in=subtree) | Q(theme_id__in=subtree)).values_list(
            "pk", flat=True
        )
    )
    documents(DocumentOutil.objects.filter(noeud_id__in=subtree).values_list("pk", flat=True))
    _raw_delete(Noeud.objects.filter(pk__in=subtree))


def valeurs(ids: Iterable[int]) -> None:
    from referentiels.models import ValeurEchelle

    _raw_delete(ValeurEchelle.objects.filter(pk__in=list(ids)))


def echelle(version_id: int) -> None:
    from referentiels.models import EchelleCotation, ValeurEchelle

    _raw_delete(ValeurEchelle.objects.filter(echelle__version_id=version_id))
    _raw_delete(EchelleCotation.objects.filter(version_id=version_id))


def version(version_id: int) -> None:
    from referentiels.models import (
        Critere,
        DocumentOutil,
        Noeud,
        ReferentielVersion,
        VersionTransition,
    )

    criteres(Critere.objects.filter(version_id=version_id).values_list("pk", flat=True))
    documents(DocumentOutil.objects.filter(version_id=version_id).values_list("pk", flat=True))
    _raw_delete(Noeud.objects.filter(version_id=version_id))
    echelle(version_id)
    _raw_delete(VersionTransition.objects.filter(version_id=version_id))
    ReferentielVersion.objects.filter(copiee_de_id=version_id).update(copiee_de=None)
    _raw_delete(ReferentielVersion.objects.filter(pk=version_id))
