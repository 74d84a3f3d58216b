from __future__ import annotations

import pytest

from accompagnement.diagnostics import services
from tests.factories import MODULE_49, build_frame


@pytest.fixture
def frame(db):
    """A small published frame: theme 4.1 (2 level-1, 1 level-2), theme 4.2 (1 + 2)."""
    return build_frame()


@pytest.fixture
def frame_49(db):
    return build_frame(MODULE_49)


@pytest.fixture
def autodiagnostic(in_structure, frame, network):
    return services.create_autodiagnostic(
        structure=in_structure,
        version=frame.version,
        annee=2016,
        user=network.user("referent"),
    )


def answer_all(structure, autodiagnostic, frame, user, code="C", commentaire="ok"):
    """Answer every criterion of ``autodiagnostic`` (of ``structure``) with ``code``."""
    for reponse in autodiagnostic.reponses.all():
        services.save_answer(
            structure=structure,
            reponse=reponse,
            valeur=frame.valeurs[code],
            commentaire=commentaire,
            expected_revision=reponse.revision,
            user=user,
        )
