"""The in-app documentation of the frame file format, generated from ``referentiels.io.schema``
(the same field tables the import validates against), so it cannot drift from the code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from referentiels.io.schema import (
    FORMAT_ID,
    FORMAT_SECTIONS,
    KIND_LABELS,
    MAX_IMPORT_SIZE,
    STRUCTURE_TYPES,
)


@login_required
def import_format(request):
    sections = [
        {
            "cle": key,
            "titre": _(title),
            "champs": [
                {
                    "nom": field.name,
                    "libelle": _(field.label),
                    "type": _(KIND_LABELS[field.kind]),
                    "obligatoire": field.required,
                    "longueur": field.max_length,
                }
                for field in fields
            ],
        }
        for key, title, fields in FORMAT_SECTIONS
    ]
    return render(
        request,
        "referentiels/format.html",
        {
            "format_id": FORMAT_ID,
            "sections": sections,
            "max_size_mb": MAX_IMPORT_SIZE // (1024 * 1024),
            "structure_types": STRUCTURE_TYPES,
        },
    )
