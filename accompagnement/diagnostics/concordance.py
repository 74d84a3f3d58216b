"""Reading a self-diagnosis against another reference: its declared and confirmed rates
by chapter of the NF X 50-056 standard, of the HAS frame for ESSMS, of the CASF…, through
the frame version's crosswalk (``referentiels.concordance``). Rates come from
``scoring`` (the same definition as the theme rates); a criterion mapped twice into one
chapter counts once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from accompagnement.diagnostics import scoring
from accompagnement.diagnostics.models import Autodiagnostic
from accompagnement.diagnostics.scoring_inputs import inputs_of
from referentiels import concordance


@dataclass
class ChapterCoverage:
    chapitre: str
    references: list[str] = field(default_factory=list)
    criteres: set = field(default_factory=set)
    declared: scoring.Rate = field(default_factory=scoring.Rate)
    confirmed: scoring.Rate = field(default_factory=scoring.Rate)

    @property
    def nombre_criteres(self) -> int:
        return len(self.criteres)

    @property
    def gap(self) -> float | None:
        return scoring.gap(self.declared.rate, self.confirmed.rate)


@dataclass(frozen=True)
class Coverage:
    systeme: str
    systemes: list[tuple[str, str]]
    chapitres: list[ChapterCoverage]
    criteres_sans_reference: int


def crosswalk_coverage(
    autodiagnostic: Autodiagnostic, *, systeme: str | None, structure_type: str | None
) -> Coverage:
    """Rows per chapter of ``systeme`` (the first system of the crosswalk when None)."""
    version = autodiagnostic.version
    systemes = concordance.systems_of(version)
    codes = [code for code, _label in systemes]
    if systeme not in codes:
        systeme = codes[0] if codes else ""
    references = concordance.references_by_critere(version)
    chapters: dict[str, ChapterCoverage] = {}
    unmapped = 0
    for item in inputs_of(autodiagnostic, structure_type=structure_type):
        critere_id = cast(int, item.critere)  # scoring_inputs key the criteria by id
        mapped = [ref for ref in references.get(critere_id, []) if ref.systeme == systeme]
        if not mapped:
            unmapped += 1
            continue
        for reference in mapped:
            row = chapters.setdefault(reference.chapitre, ChapterCoverage(reference.chapitre))
            if reference.code not in row.references:
                row.references.append(reference.code)
            if item.critere in row.criteres:
                continue
            row.criteres.add(item.critere)
            row.declared.add(item.declared)
            row.confirmed.add(item.confirmed)
    ordered = sorted(chapters.values(), key=lambda row: _natural(row.chapitre))
    return Coverage(systeme, systemes, ordered, unmapped)


def _natural(text: str) -> list:
    """« § 4.10 » after « § 4.9 », « Chapitre 2 » before « Chapitre 10 »."""

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]
