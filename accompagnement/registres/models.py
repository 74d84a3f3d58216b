"""Models of accompagnement.registres (see accompagnement/__init__.py)."""
