"""Tests never write uploads to the project's var/media/ (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django_tenants.utils import schema_context

PROJECT_MEDIA = Path(__file__).resolve().parents[2] / "var" / "media"


def test_uploads_land_in_the_temporary_media_root(db, tmp_path_factory):
    media_root = Path(settings.MEDIA_ROOT).resolve()
    assert media_root != PROJECT_MEDIA.resolve()
    assert str(media_root).startswith(str(tmp_path_factory.getbasetemp().resolve()))
    with schema_context("s_alpha"):
        name = default_storage.save("preuves/essai.pdf", ContentFile(b"%PDF-1.4"))
        path = Path(default_storage.path(name)).resolve()
        default_storage.delete(name)
    connection.set_schema_to_public()
    assert path.is_relative_to(media_root) and "s_alpha" in path.parts
