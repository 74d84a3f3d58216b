"""The self-diagnosis workflow, declared once: states, allowed transitions and guards.

::

    brouillon ──submit──▶ soumis ──finish_confirmation──▶ confirme
        ▲                  │  ▲                               │
        │          request_reopen  refuse_reopen               │ request_reopen
        │                  ▼  │                               ▼
        └────reopen──── reouverture_demandee ◀─────────────────┘
    (reopen also from soumis and confirme, by the expert or the federation)

Every change goes through :func:`apply_transition`, which checks the source state and the
guard (an access rule of ``tenants.access``), writes the status and logs an
``AutodiagnosticTransition`` row (who, when, from, to, comment). No other code writes
``Autodiagnostic.statut``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompagnement.diagnostics.errors import DiagnosticError
from accompagnement.diagnostics.models import Autodiagnostic, AutodiagnosticTransition
from core.errors import BusinessError
from tenants import access
from tenants.models import Structure

Statut = Autodiagnostic.Statut


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    guard: Callable  # (user, structure) -> bool
    label: str


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "submit",
            frozenset({Statut.BROUILLON}),
            Statut.SOUMIS,
            access.can_manage_autodiagnostic,
            _("Soumettre à l'expert"),
        ),
        Transition(
            "request_reopen",
            frozenset({Statut.SOUMIS, Statut.CONFIRME}),
            Statut.REOUVERTURE_DEMANDEE,
            access.can_manage_autodiagnostic,
            _("Demander la réouverture"),
        ),
        Transition(
            "refuse_reopen",
            frozenset({Statut.REOUVERTURE_DEMANDEE}),
            Statut.SOUMIS,
            access.can_reopen_autodiagnostic,
            _("Refuser la réouverture"),
        ),
        Transition(
            "reopen",
            frozenset({Statut.SOUMIS, Statut.REOUVERTURE_DEMANDEE, Statut.CONFIRME}),
            Statut.BROUILLON,
            access.can_reopen_autodiagnostic,
            _("Rouvrir"),
        ),
        Transition(
            "finish_confirmation",
            frozenset({Statut.SOUMIS}),
            Statut.CONFIRME,
            access.can_confirm_autodiagnostic,
            _("Terminer la confirmation"),
        ),
    ]
}

# Timestamps and authors written alongside some transitions.
_STAMPS = {
    "submit": ("submitted_at", "submitted_by"),
    "finish_confirmation": ("confirmed_at", "confirmed_by"),
}


def current_structure() -> Structure:
    """The structure whose schema the connection is in (``schema_context`` sets a
    stand-in tenant: the real one is then read by its schema name)."""
    tenant = connection.tenant
    if isinstance(tenant, Structure):
        return tenant
    return Structure.objects.get(schema_name=connection.schema_name)


def allowed_transitions(autodiagnostic: Autodiagnostic, user) -> list[Transition]:
    """Transitions this person may apply now (for the buttons of the pages)."""
    structure = current_structure()
    return [
        t
        for t in TRANSITIONS.values()
        if autodiagnostic.statut in t.sources and t.guard(user, structure)
    ]


def apply_transition(
    *, autodiagnostic: Autodiagnostic, name: str, user, commentaire: str = ""
) -> Autodiagnostic:
    """Move ``autodiagnostic`` along transition ``name`` (call inside a transaction, with
    the row locked). Raises ``BusinessError`` when not allowed."""
    transition = TRANSITIONS[name]
    if not transition.guard(user, current_structure()):
        raise BusinessError(
            DiagnosticError.FORBIDDEN,
            _("Vous n'avez pas le droit de faire cette action."),
            status=403,
        )
    if autodiagnostic.statut not in transition.sources:
        raise BusinessError(
            DiagnosticError.TRANSITION_NOT_ALLOWED,
            _("Action « %(action)s » impossible : l'autodiagnostic est « %(statut)s ».")
            % {"action": transition.label, "statut": autodiagnostic.get_statut_display()},
            status=409,
        )
    previous = autodiagnostic.statut
    autodiagnostic.statut = transition.target
    fields = ["statut"]
    if name in _STAMPS:
        at_field, by_field = _STAMPS[name]
        setattr(autodiagnostic, at_field, timezone.now())
        setattr(autodiagnostic, by_field, user)
        fields += [at_field, by_field]
    autodiagnostic.save(update_fields=fields)
    AutodiagnosticTransition.objects.create(
        autodiagnostic=autodiagnostic,
        transition=name,
        from_statut=previous,
        to_statut=transition.target,
        user=user,
        commentaire=commentaire,
    )
    return autodiagnostic


def log_creation(*, autodiagnostic: Autodiagnostic, user) -> None:
    AutodiagnosticTransition.objects.create(
        autodiagnostic=autodiagnostic,
        transition="create",
        from_statut="",
        to_statut=autodiagnostic.statut,
        user=user,
    )
