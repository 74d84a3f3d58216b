"""Checks on uploaded documents (deliverables, meeting attachments): type and size.

The type is checked on the extension AND the first bytes (a renamed executable is refused).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.errors import BusinessError, CommonError

ZIP = b"PK\x03\x04"
# extension -> (content type, accepted leading bytes)
ACCEPTED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".odt": ("application/vnd.oasis.opendocument.text", (ZIP,)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def upload_name(fichier: UploadedFile[bytes]) -> str:
    """The uploaded file's name as the browser sent it (``fichier`` when it sent none)."""
    return Path(fichier.name or "fichier").name


def upload_size(fichier: UploadedFile[bytes]) -> int:
    """The uploaded file's size in bytes (0 when unknown)."""
    return fichier.size or 0


def check_document(fichier: UploadedFile[bytes], *, field: str = "fichier") -> str:
    """Refuse anything but PDF, DOCX, ODT, XLSX, PNG or JPEG up to ``MAX_UPLOAD_SIZE``.

    Returns the content type to store.
    """
    extension = Path(fichier.name or "").suffix.lower()
    accepted = ACCEPTED.get(extension)
    if accepted is None:
        raise BusinessError(
            CommonError.FILE_TYPE,
            _("Type de fichier non accepté : formats autorisés PDF, DOCX, ODT, XLSX, PNG, JPEG."),
            field=field,
        )
    size = upload_size(fichier)
    if not size:
        raise BusinessError(CommonError.FILE_EMPTY, _("Le fichier est vide."), field=field)
    if size > settings.MAX_UPLOAD_SIZE:
        raise BusinessError(
            CommonError.FILE_TOO_LARGE,
            _("Le fichier dépasse la taille maximale de %(max)s Mo.")
            % {"max": settings.MAX_UPLOAD_SIZE // (1024 * 1024)},
            field=field,
        )
    fichier.seek(0)
    head = fichier.read(16)
    fichier.seek(0)
    content_type, signatures = accepted
    if not any(head.startswith(signature) for signature in signatures):
        raise BusinessError(
            CommonError.FILE_TYPE,
            _("Le contenu du fichier ne correspond pas à son extension."),
            field=field,
        )
    return content_type
