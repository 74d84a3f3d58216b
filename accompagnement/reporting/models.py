"""Models of accompagnement.reporting (see accompagnement/__init__.py)."""
