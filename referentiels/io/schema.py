"""The fields of format ``qualireseau-referentiel/1`` and how each is typed."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

FORMAT_ID = "qualireseau-referentiel/1"
# Frame files are small (the 49-criteria module is ~90 kB): refuse anything bigger quickly.
MAX_IMPORT_SIZE = getattr(settings, "REFERENTIEL_MAX_IMPORT_SIZE", 5 * 1024 * 1024)
# An XLSX is a zip: cap what it may expand to (zip bombs).
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_DEPTH = 8  # levels of nodes above criteria

# Kinds: "str" (text), "code" (short text, required non-empty), "bool", "niveau" (int ≥ 1 or
# empty), "list" (list of texts), "poids" (number 0..1), "options" (mapping), "tokens" (list
# of short words).


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = False
    max_length: int | None = None
    label: str = ""


REFERENTIEL_FIELDS = (
    Field("code", "slug", True, 80, "code du référentiel"),
    Field("titre", "str", True, 255, "titre du référentiel"),
    Field("description", "str", False, None, "description"),
)
VERSION_FIELDS = (
    Field("numero", "str", True, 50, "numéro de version"),
    Field("libelle", "str", False, 255, "libellé"),
    Field("echantillon", "bool", False, None, "échantillon"),
    Field("avertissement", "str", False, None, "avertissement"),
    Field("options", "options", False, None, "options"),
    Field("types_noeuds", "tokens", False, None, "types de nœuds"),
)
ECHELLE_FIELDS = (
    Field("code", "slug", True, 50, "code de l'échelle"),
    Field("libelle", "str", True, 255, "libellé de l'échelle"),
)
VALEUR_FIELDS = (
    Field("code", "str", True, 20, "code de la valeur"),
    Field("libelle", "str", True, 100, "libellé de la valeur"),
    Field("poids", "poids", True, None, "poids"),
    Field("exclue", "bool", False, None, "exclue du taux"),
    Field("commentaire_obligatoire", "bool", False, None, "commentaire obligatoire"),
)
NOEUD_FIELDS = (
    Field("code", "str", True, 50, "code du nœud"),
    Field("type", "str", True, 30, "type du nœud"),
    Field("titre", "str", True, 500, "titre du nœud"),
    Field("description", "str", False, None, "description"),
    Field("niveau", "niveau", False, None, "niveau"),
    Field("urn", "str", False, 200, "urn"),
)
CRITERE_FIELDS = (
    Field("code", "str", True, 50, "code du critère"),
    Field("titre", "str", True, None, "intitulé du critère"),
    Field("niveau", "niveau", False, None, "niveau"),
    Field("explication", "str", False, None, "explication"),
    Field("exemples", "str", False, None, "exemples"),
    Field("contenu_attendu", "str", False, None, "contenu attendu"),
    Field("sources", "list", False, None, "sources"),
    Field("preuves", "list", False, None, "éléments de preuve"),
    Field("type_livrable", "str", False, 80, "type de livrable"),
    Field("imperatif", "bool", False, None, "impératif"),
    Field("indicateur_effectivite", "bool", False, None, "indicateur d'effectivité"),
    Field("applicabilite", "tokens", False, None, "types de structure concernés"),
    Field("urn", "str", False, 200, "urn"),
)
DOCUMENT_FIELDS = (
    Field("titre", "str", True, 255, "titre du document"),
    Field("type", "str", False, 20, "type de document"),
    Field("texte", "str", False, None, "texte"),
    Field("noeud", "str", False, 50, "nœud de rattachement"),
    Field("critere", "str", False, 50, "critère de rattachement"),
)
STRUCTURE_TYPES = ("SSIAD", "SAAD", "SPASAD", "SAP")
