from __future__ import annotations

from pathlib import Path

import pytest

from referentiels import services
from referentiels.models import ReferentielVersion

DATA = Path(__file__).resolve().parents[2] / "referentiels" / "data"
SAMPLE = DATA / "realisation_prestations.yaml"
ESSMS = DATA / "essms_echantillon.yaml"


@pytest.fixture
def sample_version(db) -> ReferentielVersion:
    """The 49-criteria sample, published."""
    return services.load_sample(path=SAMPLE, publish=True)[0]


@pytest.fixture
def essms_version(db) -> ReferentielVersion:
    return services.load_sample(path=ESSMS, publish=True)[0]


@pytest.fixture
def draft_version(db) -> ReferentielVersion:
    """The sample imported as a draft (not published)."""
    return services.import_version(
        content=SAMPLE.read_bytes(), filename="realisation_prestations.yaml"
    )
