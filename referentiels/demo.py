"""Demo data of the frames: both samples imported and published (idempotent)."""

from __future__ import annotations

from pathlib import Path

from referentiels import services

DATA = Path(__file__).parent / "data"
SAMPLES = (DATA / "realisation_prestations.yaml", DATA / "essms_echantillon.yaml")


def load_demo(network=None) -> list:
    """Import and publish the two sample frames once (by frame code + version number)."""
    return [services.load_sample(path=path, publish=True)[0] for path in SAMPLES]
