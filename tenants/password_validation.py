"""Password rules added to Django's (length, common list, similarity, digits): a password
may not contain the person's own name or e-mail name, nor the platform's name (CNIL's
recommendation for password-only accounts: long, not guessable from the person)."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FORBIDDEN_WORDS = ("qualireseau",)


def _plain(text: str) -> str:
    """Lower case, accents and separators removed (« Qualiréseau » → « qualireseau »)."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


class PersonalWordsValidator:
    """Refuse a password containing the person's first name, last name, e-mail name
    (3 characters or more) or a word of ``FORBIDDEN_WORDS``."""

    def validate(self, password, user=None):
        plain = _plain(password)
        words = list(FORBIDDEN_WORDS)
        if user is not None:
            email = getattr(user, "email", "") or ""
            words += [getattr(user, "first_name", ""), getattr(user, "last_name", "")]
            words += re.split(r"[._+\-]", email.split("@")[0])
        for word in {_plain(w) for w in words}:
            if len(word) >= 3 and word in plain:
                raise ValidationError(
                    _(
                        "Le mot de passe ne doit contenir ni votre nom, ni votre adresse, "
                        "ni le nom de la plateforme."
                    ),
                    code="password_personal_word",
                )

    def get_help_text(self):
        return _("Votre mot de passe ne doit contenir ni votre nom, ni votre adresse.")
