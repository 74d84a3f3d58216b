"""Demo data of the frames: both samples imported and published (idempotent)."""

from __future__ import annotations

from pathlib import Path

from referentiels import concordance, services

DATA = Path(__file__).parent / "data"
SAMPLES = (DATA / "realisation_prestations.yaml", DATA / "essms_echantillon.yaml")


def load_demo(network=None) -> list:
    """Import and publish the two sample frames once (by frame code + version number),
    with the 49-criteria module's sample crosswalk."""
    versions = [services.load_sample(path=path, publish=True)[0] for path in SAMPLES]
    concordance.load_sample_concordance()
    return versions
