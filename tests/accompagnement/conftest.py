"""Fixtures for deliverables, plans and collective work."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accompagnement.groupes.models import TypeLivrable
from accompagnement.groupes.services import load_types_livrable

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_file(name: str = "livret.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def types_livrable(db) -> dict[str, TypeLivrable]:
    load_types_livrable()
    return {t.code: t for t in TypeLivrable.objects.all()}
