"""The fields of format ``qualireseau-referentiel/1`` and how each is typed."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_noop

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
    label: str = ""  # French, marked for translation (shown translated on the format page)


REFERENTIEL_FIELDS = (
    Field("code", "slug", True, 80, gettext_noop("code du référentiel")),
    Field("titre", "str", True, 255, gettext_noop("titre du référentiel")),
    Field("description", "str", False, None, gettext_noop("description")),
)
VERSION_FIELDS = (
    Field("numero", "str", True, 50, gettext_noop("numéro de version")),
    Field("libelle", "str", False, 255, gettext_noop("libellé")),
    Field("echantillon", "bool", False, None, gettext_noop("échantillon")),
    Field("avertissement", "str", False, None, gettext_noop("avertissement")),
    Field("options", "options", False, None, gettext_noop("options")),
    Field("types_noeuds", "tokens", False, None, gettext_noop("types de nœuds")),
)
ECHELLE_FIELDS = (
    Field("code", "slug", True, 50, gettext_noop("code de l'échelle")),
    Field("libelle", "str", True, 255, gettext_noop("libellé de l'échelle")),
)
VALEUR_FIELDS = (
    Field("code", "str", True, 20, gettext_noop("code de la valeur")),
    Field("libelle", "str", True, 100, gettext_noop("libellé de la valeur")),
    Field("poids", "poids", True, None, gettext_noop("poids")),
    Field("exclue", "bool", False, None, gettext_noop("exclue du taux")),
    Field("commentaire_obligatoire", "bool", False, None, gettext_noop("commentaire obligatoire")),
)
NOEUD_FIELDS = (
    Field("code", "str", True, 50, gettext_noop("code du nœud")),
    Field("type", "str", True, 30, gettext_noop("type du nœud")),
    Field("titre", "str", True, 500, gettext_noop("titre du nœud")),
    Field("description", "str", False, None, gettext_noop("description")),
    Field("niveau", "niveau", False, None, gettext_noop("niveau")),
    Field("urn", "str", False, 200, gettext_noop("urn")),
)
CRITERE_FIELDS = (
    Field("code", "str", True, 50, gettext_noop("code du critère")),
    Field("titre", "str", True, None, gettext_noop("intitulé du critère")),
    Field("niveau", "niveau", False, None, gettext_noop("niveau")),
    Field("explication", "str", False, None, gettext_noop("explication")),
    Field("exemples", "str", False, None, gettext_noop("exemples")),
    Field("contenu_attendu", "str", False, None, gettext_noop("contenu attendu")),
    Field("sources", "list", False, None, gettext_noop("sources")),
    Field("preuves", "list", False, None, gettext_noop("éléments de preuve")),
    Field("type_livrable", "str", False, 80, gettext_noop("type de livrable")),
    Field("imperatif", "bool", False, None, gettext_noop("impératif")),
    Field("indicateur_effectivite", "bool", False, None, gettext_noop("indicateur d'effectivité")),
    Field("applicabilite", "tokens", False, None, gettext_noop("types de structure concernés")),
    Field("urn", "str", False, 200, gettext_noop("urn")),
)
DOCUMENT_FIELDS = (
    Field("titre", "str", True, 255, gettext_noop("titre du document")),
    Field("type", "str", False, 20, gettext_noop("type de document")),
    Field("texte", "str", False, None, gettext_noop("texte")),
    Field("noeud", "str", False, 50, gettext_noop("nœud de rattachement")),
    Field("critere", "str", False, 50, gettext_noop("critère de rattachement")),
)
STRUCTURE_TYPES = ("SSIAD", "SAAD", "SPASAD", "SAP")

KIND_LABELS = {
    "slug": gettext_noop("code court : lettres minuscules, chiffres et tirets"),
    "str": gettext_noop("texte"),
    "bool": gettext_noop("oui / non"),
    "niveau": gettext_noop("entier à partir de 1, ou vide"),
    "list": gettext_noop("liste de textes (XLSX : un par ligne dans la cellule)"),
    "poids": gettext_noop("nombre entre 0 et 1"),
    "options": gettext_noop("options nommées (XLSX : JSON)"),
    "tokens": gettext_noop("liste de mots courts (XLSX : séparés par des virgules)"),
}

# The format's objects, in the order of a file: (key in the file, title, fields). The format
# page of the application is generated from this table and the field tables above.
FORMAT_SECTIONS = (
    ("referentiel", gettext_noop("Référentiel"), REFERENTIEL_FIELDS),
    ("version", gettext_noop("Version"), VERSION_FIELDS),
    ("echelle", gettext_noop("Échelle de cotation"), ECHELLE_FIELDS),
    ("echelle.valeurs[]", gettext_noop("Valeur de l'échelle"), VALEUR_FIELDS),
    ("noeuds[] (enfants[])", gettext_noop("Nœud (thème, objectif…)"), NOEUD_FIELDS),
    ("criteres[]", gettext_noop("Critère"), CRITERE_FIELDS),
    ("documents[]", gettext_noop("Document de la boîte à outils"), DOCUMENT_FIELDS),
)
