"""Import and export of frame versions (format ``qualireseau-referentiel/1``).

A file (YAML, JSON or XLSX; see docs/referentiels.md) is read into one *flat document*:
``{"format", "referentiel", "version", "echelle", "noeuds", "criteres", "documents"}``
where nodes name their ``parent`` by code and criteria their ``noeud`` by code, each entry
carrying where it came from (``_loc``: line, or sheet and row). ``validate`` lists every
error at once; nothing is written here — ``referentiels.services.import_version`` does it
atomically. Writing goes the other way: a version → the flat document → a file.
"""

from referentiels.io.reading import read_document
from referentiels.io.validation import validate_document
from referentiels.io.writing import EXPORT_FORMATS, canonical_dump, export_version, version_document

__all__ = [
    "EXPORT_FORMATS",
    "canonical_dump",
    "export_version",
    "read_document",
    "validate_document",
    "version_document",
]
