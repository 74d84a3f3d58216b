"""Models of accompagnement.bilans (see accompagnement/__init__.py)."""
