"""The system actor: who acts when no person does (a Celery task, a data migration, the demo).

Services take an ``actor``; code that must bypass the people's access rules passes
``SYSTEM`` explicitly instead of switching checks off. ``tenants.access`` rules and the
workflow engine accept it; logs record it as no user.
"""

from __future__ import annotations

from typing import Any, Final


class _SystemActor:
    """A singleton standing for the platform itself (never a logged-in person)."""

    is_authenticated: Final = True
    is_active: Final = True
    is_superuser: Final = False
    pk: Final = None

    def __repr__(self) -> str:
        return "SYSTEM"

    def __reduce__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = _SystemActor()


def is_system(actor: Any) -> bool:
    return actor is SYSTEM
