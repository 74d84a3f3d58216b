"""django-tenants' connection methods, typed: its ``DatabaseWrapper`` adds them to Django's
connection, which the stubs do not know. The rest of the code calls these instead of
reading ``connection.schema_name`` / calling ``connection.set_schema…`` itself."""

from __future__ import annotations

from django.db import connection


def current_schema() -> str:
    """The schema the connection is set to (``public`` outside any structure)."""
    schema: str = connection.schema_name  # type: ignore[attr-defined]  # django-tenants
    return schema


def require_schema(schema_name: str, operation: str) -> None:
    """A service given a structure runs in that structure's schema (a programming error
    otherwise: its rows would be read or written in another structure's tables)."""
    if current_schema() != schema_name:
        raise RuntimeError(f"{operation} must run in the schema {schema_name!r}")


def set_schema(schema_name: str, *, include_public: bool = True) -> None:
    """Point the connection at a structure's schema (and ``public`` after it, by default)."""
    connection.set_schema(schema_name, include_public=include_public)  # type: ignore[attr-defined]


def set_schema_to_public() -> None:
    """Point the connection back at the public schema."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants
