"""The self-diagnosis workflow, declared once (``core.workflow``): states, moves, rules.

::

    brouillon ──submit──▶ soumis ──finish_confirmation──▶ confirme
        ▲                  │  ▲                               │
        │          request_reopen  refuse_reopen               │ request_reopen
        │                  ▼  │                               ▼
        └────reopen──── reouverture_demandee ◀─────────────────┘
    (reopen also from soumis and confirme, by the expert or the federation)

Every change goes through ``AUTODIAGNOSTIC`` (source state, the person's right through a
rule of ``tenants.access``, stamps), which logs an ``AutodiagnosticTransition`` row (who,
when, from, to, move, comment). No other code writes ``Autodiagnostic.statut``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accompagnement.diagnostics.models import (
    Autodiagnostic,
    AutodiagnosticTransition,
    ExportAutodiagnostic,
    ExportAutodiagnosticTransition,
)
from core.workflow import Move, Stamp, Workflow
from tenants import access
from tenants.models import Structure

Statut = Autodiagnostic.Statut

AUTODIAGNOSTIC = Workflow(
    "diagnostics.autodiagnostic",
    states=Statut,
    log_model=AutodiagnosticTransition,
    log_field="autodiagnostic",
    log_move_name=True,
    moves=[
        Move(
            "submit",
            {Statut.BROUILLON},
            Statut.SOUMIS,
            _("Soumettre à l'expert"),
            access.can_manage_autodiagnostic,
            stamp=Stamp(at="submitted_at", by="submitted_by"),
        ),
        Move(
            "request_reopen",
            {Statut.SOUMIS, Statut.CONFIRME},
            Statut.REOUVERTURE_DEMANDEE,
            _("Demander la réouverture"),
            access.can_manage_autodiagnostic,
            comment_required=True,
        ),
        Move(
            "refuse_reopen",
            {Statut.REOUVERTURE_DEMANDEE},
            Statut.SOUMIS,
            _("Refuser la réouverture"),
            access.can_reopen_autodiagnostic,
        ),
        Move(
            "reopen",
            {Statut.SOUMIS, Statut.REOUVERTURE_DEMANDEE, Statut.CONFIRME},
            Statut.BROUILLON,
            _("Rouvrir"),
            access.can_reopen_autodiagnostic,
        ),
        Move(
            "finish_confirmation",
            {Statut.SOUMIS},
            Statut.CONFIRME,
            _("Terminer la confirmation"),
            access.can_confirm_autodiagnostic,
            stamp=Stamp(at="confirmed_at", by="confirmed_by"),
        ),
    ],
)
TRANSITIONS = AUTODIAGNOSTIC.moves  # name -> Move (label, sources, target)

Etat = ExportAutodiagnostic.Etat
# An export's progress (``exports.py``): built by the platform; retried by a person who may
# read the self-diagnosis.
EXPORT = Workflow(
    "diagnostics.export",
    states=Etat,
    field="etat",
    log_model=ExportAutodiagnosticTransition,
    log_field="export",
    log_move_name=True,
    moves=[
        Move("start", {Etat.EN_ATTENTE}, Etat.EN_COURS, _("Commencer")),
        Move("finish", {Etat.EN_COURS}, Etat.PRET, _("Terminer"), stamp=Stamp(at="finished_at")),
        Move(
            "fail",
            {Etat.EN_ATTENTE, Etat.EN_COURS},
            Etat.ECHEC,
            _("Marquer en échec"),
            stamp=Stamp(at="finished_at"),
        ),
        Move(
            "retry",
            {Etat.ECHEC},
            Etat.EN_ATTENTE,
            _("Relancer l'export"),
            access.can_view_autodiagnostic,
            stamp=Stamp(clear=("finished_at",)),
        ),
    ],
)


def allowed_transitions(
    autodiagnostic: Autodiagnostic, user: Any, *, structure: Structure
) -> list[Move]:
    """Moves this person may make now in ``structure`` (for the buttons of the pages)."""
    return AUTODIAGNOSTIC.allowed_moves(autodiagnostic, user, structure)


def apply_transition(
    *,
    structure: Structure,
    autodiagnostic: Autodiagnostic,
    name: str,
    user: Any,
    commentaire: str = "",
) -> Autodiagnostic:
    """Move ``autodiagnostic`` of ``structure`` along the move ``name`` (call inside a
    transaction, with the row locked). Raises ``BusinessError`` when not allowed."""
    AUTODIAGNOSTIC.apply(
        autodiagnostic,
        name=name,
        actor=user,
        structure=structure,
        commentaire=commentaire,
    )
    return autodiagnostic


def log_creation(*, structure: Structure, autodiagnostic: Autodiagnostic, user: Any) -> None:
    AUTODIAGNOSTIC.log_creation(autodiagnostic, user)
    AUTODIAGNOSTIC.notify(autodiagnostic, structure)
