"""Validation of French establishment identifiers (FINESS, SIRET)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_finess(value: str) -> None:
    """A FINESS number: 9 characters, a département (01–95, 2A, 2B, 97x) then digits.

    The last digit is a Luhn check key computed on the first eight (Corsican numbers use
    0 for the letter), as published by the FINESS registry.
    """
    value = (value or "").strip().upper()
    if not re.fullmatch(r"(\d{2}|2A|2B)\d{7}", value):
        raise ValidationError(
            _("Le numéro FINESS doit comporter 9 caractères (ex. 590000000)."), code="finess_format"
        )
    digits = value.replace("A", "0").replace("B", "0")
    if not luhn_is_valid(digits):
        raise ValidationError(_("La clé du numéro FINESS est incorrecte."), code="finess_key")


def validate_siret(value: str) -> None:
    """A SIRET number: 14 digits with a Luhn key (La Poste's numbers are exempt)."""
    value = (value or "").replace(" ", "")
    if not re.fullmatch(r"\d{14}", value):
        raise ValidationError(_("Le numéro SIRET doit comporter 14 chiffres."), code="siret_format")
    if not luhn_is_valid(value) and not value.startswith("356000000"):
        raise ValidationError(_("La clé du numéro SIRET est incorrecte."), code="siret_key")


def luhn_complete(prefix: str) -> str:
    """Append the Luhn key digit to ``prefix`` (used by the demo and tests)."""
    for key in range(10):
        if luhn_is_valid(prefix + str(key)):
            return prefix + str(key)
    raise AssertionError("unreachable")
