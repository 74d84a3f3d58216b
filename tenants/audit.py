"""The audit log: one function that writes an entry (called by services and auth hooks)."""

from __future__ import annotations

from typing import Any

from core.client_ip import client_ip
from tenants.models import AuditLog, Structure, User


def record(
    *,
    action: str,
    actor: User | None = None,
    target_user: User | None = None,
    structure: Structure | None = None,
    identifier: str = "",
    details: dict[str, Any] | None = None,
    request=None,
) -> AuditLog:
    """Write one audit entry. ``request`` gives the IP address; nothing else is read from it."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditLog.objects.create(
        action=action,
        actor=actor,
        target_user=target_user,
        structure=structure,
        identifier=identifier[:254],
        details=details or {},
        ip_address=_client_ip(request),
    )


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return client_ip(request)
