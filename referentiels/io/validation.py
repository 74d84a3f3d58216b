"""Typing and cross-checking a flat document: every error is listed, none is fatal."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from referentiels.errors import ReferentielError
from referentiels.io import schema
from referentiels.io.errors import ImportErrors, Loc
from referentiels.models import MODULE_HEADLINE_OPTION, MODULE_HEADLINES

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
TRUE_WORDS = {"oui", "vrai", "true", "1", "x", "yes"}
FALSE_WORDS = {"non", "faux", "false", "0", "no", ""}
DOCUMENT_TYPES = {"guide", "procedure", "formulaire", "exemple", "fiche", "recommandation"}
_MISSING = object()


def validate_document(document: dict[str, Any], errors: ImportErrors) -> dict[str, Any]:
    """Type every field in place (text, booleans, levels, weights) and check the references
    (parents, themes, duplicates, scale). Returns the document, errors in ``errors``."""
    root: Loc = document.get("_loc") or Loc()
    if document.get("format") != schema.FORMAT_ID:
        errors.add(
            ReferentielError.INVALID,
            _("le format doit être « %(expected)s » (trouvé : « %(found)s »).")
            % {"expected": schema.FORMAT_ID, "found": document.get("format") or ""},
            root,
            "format",
        )
    _clean_fields(document["referentiel"], schema.REFERENTIEL_FIELDS, errors)
    _clean_fields(document["version"], schema.VERSION_FIELDS, errors)
    _validate_headline(document["version"], errors)
    _validate_scale(document["echelle"], errors)
    types_noeuds = document["version"].get("types_noeuds") or []
    _validate_nodes(document["noeuds"], types_noeuds, errors, root)
    _validate_criteria(document, errors, root)
    _validate_documents(document, errors)
    return document


def _clean_fields(
    entry: dict[str, Any], fields: tuple[schema.Field, ...], errors: ImportErrors
) -> None:
    loc: Loc = entry.get("_loc") or Loc()
    for spec in fields:
        raw = entry.get(spec.name, _MISSING)
        value, message = _coerce(spec, None if raw is _MISSING else raw)
        if message:
            errors.add(ReferentielError.INVALID, message, loc, spec.name)
        entry[spec.name] = value
    known = {spec.name for spec in fields} | {"_loc", "parent", "noeud", "valeurs"}
    for key in list(entry):
        if key not in known:
            errors.add(
                ReferentielError.INVALID, _("champ inconnu (vérifiez son orthographe)."), loc, key
            )
            del entry[key]


def _coerce(spec: schema.Field, raw: Any) -> tuple[Any, str | None]:
    """(typed value, French error message or None)."""
    kind = spec.kind
    if kind in ("str", "slug"):
        if raw is None or raw == "":
            if spec.required:
                return "", _("champ obligatoire manquant.")
            return "", None
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            return "", _("un texte est attendu.")
        value = str(raw).strip() if not isinstance(raw, str) else raw.strip()
        if spec.required and not value:
            return "", _("champ obligatoire manquant.")
        if spec.max_length and len(value) > spec.max_length:
            return value[: spec.max_length], _("texte trop long (%(n)s caractères au plus).") % {
                "n": spec.max_length
            }
        if kind == "slug" and not SLUG_RE.match(value):
            return value, _(
                "seuls les lettres sans accent, chiffres, tirets et soulignés sont acceptés."
            )
        return value, None
    if kind == "bool":
        if raw is None:
            return False, None
        if isinstance(raw, bool):
            return raw, None
        if isinstance(raw, int | str) and str(raw).strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return str(raw).strip().lower() in TRUE_WORDS, None
        return False, _("« oui » ou « non » (true / false) est attendu.")
    if kind == "niveau":
        if raw is None or raw == "":
            return None, None
        if isinstance(raw, bool):
            return None, _("un nombre entier (1, 2…) ou rien est attendu.")
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            return None, _("un nombre entier (1, 2…) ou rien est attendu.")
        if number != number.to_integral_value() or not 1 <= number <= 9:
            return None, _("le niveau doit être un entier entre 1 et 9.")
        return int(number), None
    if kind == "poids":
        if raw is None or raw == "":
            return None, _("champ obligatoire manquant.")
        if isinstance(raw, bool):
            return None, _("un nombre entre 0 et 1 est attendu.")
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            return None, _("un nombre entre 0 et 1 est attendu.")
        if not number.is_finite() or not 0 <= number <= 1:
            return None, _("le poids doit être compris entre 0 et 1 (trouvé : %(v)s).") % {"v": raw}
        return number.quantize(Decimal("0.0001")), None
    if kind in ("list", "tokens"):
        if raw is None or raw == "":
            return [], None
        if isinstance(raw, str):
            separators = raw.replace(",", "\n") if kind == "tokens" else raw
            raw = separators.splitlines()
        if not isinstance(raw, list) or any(
            isinstance(item, dict | list | bool) or item is None for item in raw
        ):
            return [], _("une liste de textes est attendue.")
        return [str(item).strip() for item in raw if str(item).strip()], None
    if kind == "options":
        if raw is None or raw == "":
            return {}, None
        if not isinstance(raw, dict) or any(
            not isinstance(v, bool | int | float | str) for v in raw.values()
        ):
            return {}, _("une section d'options (nom: valeur) est attendue.")
        return {str(k): v for k, v in raw.items()}, None
    raise ValueError(kind)


def _validate_headline(version: dict[str, Any], errors: ImportErrors) -> None:
    """``options.taux_module``: which definition of the module rate is the headline."""
    value = (version.get("options") or {}).get(MODULE_HEADLINE_OPTION)
    if value is not None and value not in MODULE_HEADLINES:
        errors.add(
            ReferentielError.INVALID,
            _("taux_module vaut « moyenne_criteres » ou « moyenne_themes » (trouvé : « %(v)s »).")
            % {"v": value},
            version.get("_loc") or Loc(),
            f"options.{MODULE_HEADLINE_OPTION}",
        )


def _validate_scale(echelle: dict[str, Any], errors: ImportErrors) -> None:
    valeurs = echelle.get("valeurs") or []
    _clean_fields(echelle, schema.ECHELLE_FIELDS, errors)
    loc: Loc = echelle.get("_loc") or Loc()
    if not valeurs:
        errors.add(
            ReferentielError.INVALID,
            _("l'échelle de cotation doit avoir au moins une valeur."),
            loc,
            "valeurs",
        )
    seen: dict[str, Loc] = {}
    for valeur in valeurs:
        _clean_fields(valeur, schema.VALEUR_FIELDS, errors)
        code = valeur["code"]
        if code and code in seen:
            errors.add(
                ReferentielError.DUPLICATE_CODE,
                _("le code de valeur « %(code)s » est en double dans l'échelle.") % {"code": code},
                valeur["_loc"],
                "code",
            )
        seen.setdefault(code, valeur["_loc"])
    echelle["valeurs"] = valeurs
    if valeurs and all(valeur["exclue"] for valeur in valeurs):
        errors.add(
            ReferentielError.INVALID,
            _("au moins une valeur de l'échelle doit compter dans le taux (non exclue)."),
            loc,
            "valeurs",
        )


def _validate_nodes(
    noeuds: list[dict[str, Any]], types_noeuds: list[str], errors: ImportErrors, root: Loc
) -> None:
    codes: set[str] = set()
    for noeud in noeuds:
        if noeud.get("parent") is not None:
            noeud["parent"] = str(noeud["parent"]).strip() or None
        _clean_fields(noeud, schema.NOEUD_FIELDS, errors)
        code = noeud["code"]
        if code in codes:
            errors.add(
                ReferentielError.DUPLICATE_CODE,
                _("le code de nœud « %(code)s » est en double.") % {"code": code},
                noeud["_loc"],
                "code",
            )
        if code:
            codes.add(code)
        if types_noeuds and noeud["type"] and noeud["type"] not in types_noeuds:
            errors.add(
                ReferentielError.INVALID,
                _("type « %(type)s » inconnu : les types de cette version sont %(types)s.")
                % {"type": noeud["type"], "types": ", ".join(types_noeuds)},
                noeud["_loc"],
                "type",
            )
    if not noeuds:
        errors.add(
            ReferentielError.INVALID,
            _("la version doit avoir au moins un nœud (thème, chapitre…)."),
            root,
            "noeuds",
        )
    by_code = {noeud["code"]: noeud for noeud in noeuds if noeud["code"]}
    for noeud in noeuds:
        parent = noeud.get("parent")
        if parent and parent not in by_code:
            errors.add(
                ReferentielError.UNKNOWN_PARENT,
                _("le nœud parent « %(code)s » n'existe pas.") % {"code": parent},
                noeud["_loc"],
                "parent",
            )
            noeud["parent"] = None
    # Cycles can only come from XLSX (a parent column): walk up with a bound.
    for noeud in noeuds:
        seen, current = set(), noeud
        while current.get("parent"):
            if current["code"] in seen:
                errors.add(
                    ReferentielError.INVALID,
                    _("le nœud « %(code)s » est son propre ancêtre.") % {"code": noeud["code"]},
                    noeud["_loc"],
                    "parent",
                )
                noeud["parent"] = None
                break
            seen.add(current["code"])
            current = by_code[current["parent"]]


def _validate_criteria(document: dict[str, Any], errors: ImportErrors, root: Loc) -> None:
    node_codes = {noeud["code"] for noeud in document["noeuds"]}
    codes: set[str] = set()
    for critere in document["criteres"]:
        noeud = critere.get("noeud")
        critere["noeud"] = str(noeud).strip() if noeud not in (None, "") else ""
        _clean_fields(critere, schema.CRITERE_FIELDS, errors)
        code = critere["code"]
        if code in codes:
            errors.add(
                ReferentielError.DUPLICATE_CODE,
                _("le code de critère « %(code)s » est en double.") % {"code": code},
                critere["_loc"],
                "code",
            )
        if code:
            codes.add(code)
        if not critere["noeud"]:
            errors.add(
                ReferentielError.UNKNOWN_PARENT,
                _("le critère doit être rattaché à un nœud (thème, objectif…)."),
                critere["_loc"],
                "noeud",
            )
        elif critere["noeud"] not in node_codes:
            errors.add(
                ReferentielError.UNKNOWN_PARENT,
                _("le thème ou nœud « %(code)s » n'existe pas.") % {"code": critere["noeud"]},
                critere["_loc"],
                "noeud",
            )
        for token in critere["applicabilite"]:
            if token not in schema.STRUCTURE_TYPES:
                errors.add(
                    ReferentielError.INVALID,
                    _("type de structure « %(t)s » inconnu (%(types)s).")
                    % {"t": token, "types": ", ".join(schema.STRUCTURE_TYPES)},
                    critere["_loc"],
                    "applicabilite",
                )
    if not document["criteres"]:
        errors.add(
            ReferentielError.INVALID,
            _("la version doit avoir au moins un critère."),
            root,
            "noeuds",
        )


def _validate_documents(document: dict[str, Any], errors: ImportErrors) -> None:
    node_codes = {noeud["code"] for noeud in document["noeuds"]}
    critere_codes = {critere["code"] for critere in document["criteres"]}
    for item in document["documents"]:
        _clean_fields(item, schema.DOCUMENT_FIELDS, errors)
        item["type"] = item["type"] or "guide"
        if item["type"] not in DOCUMENT_TYPES:
            errors.add(
                ReferentielError.INVALID,
                _("type de document inconnu (%(types)s).")
                % {"types": ", ".join(sorted(DOCUMENT_TYPES))},
                item["_loc"],
                "type",
            )
        if item["noeud"] and item["noeud"] not in node_codes:
            errors.add(
                ReferentielError.UNKNOWN_PARENT,
                _("le nœud « %(code)s » n'existe pas.") % {"code": item["noeud"]},
                item["_loc"],
                "noeud",
            )
        if item["critere"] and item["critere"] not in critere_codes:
            errors.add(
                ReferentielError.UNKNOWN_PARENT,
                _("le critère « %(code)s » n'existe pas.") % {"code": item["critere"]},
                item["_loc"],
                "critere",
            )
