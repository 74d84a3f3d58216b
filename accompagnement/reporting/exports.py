"""XLSX export of a consolidation (openpyxl): one sheet per view of the figures."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from accompagnement.reporting.labels import family_label, indicator_label
from core.xlsx import append_row, to_bytes


def _pct(value):
    return None if value is None else round(value * 100, 1)


def _yes_no(value):
    """People read "oui"/"non" in the sheet, not TRUE/FALSE (empty: not measured)."""
    if value is None:
        return None
    return _("oui") if value else _("non")


def consolidation_xlsx(data: dict, rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Structures"
    theme_codes = [theme["code"] for theme in data["themes"]]
    # The effectivité criteria flagged by the scope's frames.
    target_codes = list(data["familles"]["effectivite"]["criteres"])
    append_row(
        sheet,
        [
            "Structure",
            "Taux déclaré %",
            "Taux confirmé %",
            "Écart (points)",
            "Tous niveau 1",
            "Tous niveau 2",
            "Plan d'actions %",
            "Participation %",
            "Satisfaits %",
            "Réclamations",
            "Mécontents %",
            "En retard",
            *[f"Thème {code} déclaré %" for code in theme_codes],
            *[f"Critère {code}" for code in target_codes],
        ],
    )
    for row in rows:
        append_row(
            sheet,
            [
                row["structure_nom"],
                _pct(row["taux_declare"]),
                _pct(row["taux_confirme"]),
                _pct(row["ecart"]),
                _yes_no(row["tous_niveau1"]),
                _yes_no(row["tous_niveau2"]),
                _pct(row["taux_plan_actions"]),
                _pct(row["taux_participation"]),
                _pct(row["taux_satisfaits"]),
                row["reclamations"],
                _pct(row["taux_mecontents"]),
                _yes_no(row["en_retard"]),
                *[_pct(row["themes"].get(code, {}).get("declare")) for code in theme_codes],
                *[_yes_no(row["criteres_cibles"].get(code)) for code in target_codes],
            ],
        )
    themes = workbook.create_sheet("Thèmes")
    append_row(themes, ["Thème", "Intitulé", "Déclaré %", "Confirmé %", "Écart (points)"])
    for theme in data["themes"]:
        append_row(
            themes,
            [
                theme["code"],
                theme["titre"],
                _pct(theme["declare"]),
                _pct(theme["confirme"]),
                _pct(theme["ecart"]),
            ],
        )
    _module_sheet(workbook, data)
    families = workbook.create_sheet("Indicateurs")
    append_row(families, ["Famille", "Indicateur", "Valeur"])
    for family, values in data["familles"].items():
        for name, value in values.items():
            if isinstance(value, dict):
                for code, share in value.items():
                    append_row(
                        families,
                        [family_label(family), f"{indicator_label(name)} {code}", _pct(share)],
                    )
            else:
                append_row(
                    families,
                    [
                        family_label(family),
                        indicator_label(name),
                        _pct(value) if isinstance(value, float) else value,
                    ],
                )
    return to_bytes(workbook)


def _module_sheet(workbook, data: dict) -> None:
    """Both definitions of the module rate, labelled, and the imperative criteria."""
    sheet = workbook.create_sheet("Module")
    append_row(sheet, ["Définition", "Déclaré %", "Confirmé %", "Écart (points)", "Principal"])
    for definition in data["module"]["definitions"]:
        append_row(
            sheet,
            [
                definition["libelle"],
                _pct(definition["declare"]),
                _pct(definition["confirme"]),
                _pct(definition["ecart"]),
                _("oui") if definition["principal"] else "",
            ],
        )
    imperatifs = data["imperatifs"]
    append_row(sheet, [])
    append_row(
        sheet,
        [
            "Critères impératifs",
            "Structures concernées",
            "Tous satisfaits %",
            "Critères non satisfaits (total)",
        ],
    )
    append_row(
        sheet,
        [
            "",
            imperatifs["structures"],
            _pct(imperatifs["part_tous_satisfaits"]),
            imperatifs["non_satisfaits"],
        ],
    )
