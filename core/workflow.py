"""The one workflow engine: every status of every workflow changes here.

A workflow is declared once, as data, in its app's ``workflow.py``::

    ACTION = Workflow(
        "plans.action",
        states=Action.Statut,                         # codes and labels (TextChoices)
        log_model=ActionTransition, log_field="action",
        moves=[
            Move("start", {A_FAIRE}, EN_COURS, _("Démarrer"), access.can_edit_plan),
            Move("abandon", {A_FAIRE, EN_COURS}, ABANDONNE, _("Abandonner"),
                 access.can_edit_plan, comment_required=True),
        ],
    )

Each move (``Move``) names its source states, its target, its label, who may make it (a
rule of ``tenants.access``: ``(actor, structure) -> bool``), its guards (``(obj) -> None``,
raising ``BusinessError``) and whether a comment is required. ``Workflow.apply`` checks
all of that, writes the status (and the stamps the move declares), writes one row of the
workflow's ``TransitionLog`` and tells the subscribers (other apps reacting to a move,
registered in their ``AppConfig.ready``). No other code assigns a status
(``tests/test_architecture.py`` greps for it).

Code that must act without a person (a Celery task, a migration of data) passes
``core.actors.SYSTEM`` as the actor: the access rule is not asked, the log row has no user.
Labels of states and moves come from the declaration (``Workflow.label``, the
``status_label`` template filter), so pages and exports never show a raw code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import SYSTEM, is_system
from core.errors import BusinessError, CommonError, forbidden

_M = TypeVar("_M", bound=models.Model)
Rule = Callable[[Any, Any], bool]  # (actor, structure) -> bool, a rule of tenants.access
Guard = Callable[[Any], None]  # (obj) -> None, raises BusinessError to refuse
Subscriber = Callable[[Any, Any], None]  # (obj, structure) after a change of obj

_REGISTRY: dict[str, Workflow] = {}


class WorkflowError(StrEnum):
    TRANSITION_NOT_ALLOWED = CommonError.TRANSITION_NOT_ALLOWED.value
    FORBIDDEN = CommonError.FORBIDDEN.value
    COMMENT_REQUIRED = CommonError.COMMENT_REQUIRED.value


@dataclass(frozen=True)
class Stamp:
    """Fields a move fills: ``at`` gets the time, ``by`` the actor (None for SYSTEM),
    ``comment`` the comment. ``clear`` lists fields emptied by the move."""

    at: str | None = None
    by: str | None = None
    comment: str | None = None
    clear: tuple[str, ...] = ()


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str] | set[str] | tuple[str, ...]
    target: str
    label: Any  # a lazy translation
    allowed: Rule | None = None  # None: only the system (or anyone the service already let in)
    guards: tuple[Guard, ...] = ()
    comment_required: bool = False
    stamp: Stamp = field(default_factory=Stamp)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(str(s) for s in self.sources))
        object.__setattr__(self, "target", str(self.target))


class Workflow:
    def __init__(
        self,
        name: str,
        *,
        states: Iterable[tuple[str, Any]] | type[models.Choices],
        moves: Iterable[Move],
        log_model: type[models.Model],
        log_field: str,
        field: str = "statut",
        log_move_name: bool = False,
        object_label: Any = None,
        errors: dict[str, str] | None = None,
        refusal: Callable[[str, str], str] | None = None,
    ) -> None:
        self.name = name
        if isinstance(states, type) and issubclass(states, models.Choices):
            states = states.choices
        self.states: dict[str, Any] = {str(code): label for code, label in states}
        self.moves: dict[str, Move] = {}
        for move in moves:
            # "" stands for a new object: a move from "" creates it (``apply`` saves it).
            unknown = (set(move.sources) | {move.target}) - set(self.states) - {""}
            if unknown or move.name in self.moves:
                raise ValueError(f"{name}: move {move.name!r} is badly declared ({unknown})")
            self.moves[move.name] = move
        self.log_model = log_model
        self.log_field = log_field
        self.field = field
        self.log_move_name = log_move_name
        self.object_label = object_label
        # Domain codes replacing the shared ones, e.g. {"transition_not_allowed": "…"}.
        self.errors = errors or {}
        # The message of a move that is not declared: (source, target) -> text.
        self.refusal = refusal
        self._subscribers: list[Subscriber] = []
        self._batch = threading.local()
        _REGISTRY[name] = self

    # --- reading the declaration ----------------------------------------------------------

    def label(self, code: str | None) -> str:
        """The state's label (never the raw code for a declared state)."""
        if code is None or code == "":
            return ""
        return str(self.states.get(str(code), code))

    def move(self, name: str) -> Move:
        return self.moves[name]

    def move_to(self, source: str, target: str) -> Move | None:
        """The move from ``source`` to ``target`` (the first declared), if any."""
        for move in self.moves.values():
            if source in move.sources and move.target == str(target):
                return move
        return None

    def edges(self) -> set[tuple[str, str]]:
        """Every (source, target) pair the declaration allows."""
        return {(source, move.target) for move in self.moves.values() for source in move.sources}

    def moves_from(self, source: str) -> list[Move]:
        return [move for move in self.moves.values() if source in move.sources]

    def allowed_moves(self, obj: Any, actor: Any, structure: Any = None) -> list[Move]:
        """The moves this actor may make on ``obj`` now (for the buttons of the pages)."""
        return [
            move
            for move in self.moves_from(getattr(obj, self.field))
            if self._permitted(move, actor, structure)
        ]

    @staticmethod
    def _permitted(move: Move, actor: Any, structure: Any) -> bool:
        if is_system(actor):
            return True
        return move.allowed is not None and bool(move.allowed(actor, structure))

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call ``subscriber(obj, structure)`` after each move, and after each other change
        the owning app reports with ``notify`` (same transaction)."""
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)

    def notify(self, obj: Any, structure: Any) -> None:
        pending = getattr(self._batch, "pending", None)
        if pending is not None:  # inside ``batched()``: once per object, at the end
            pending[(type(obj), obj.pk)] = (obj, structure)
            return
        for subscriber in self._subscribers:
            subscriber(obj, structure)

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Tell the subscribers once per object when the block ends (bulk services: 49
        confirmations update the network's index once), not after each change."""
        if getattr(self._batch, "pending", None) is not None:
            yield  # already batching: the outer block notifies
            return
        self._batch.pending = {}
        try:
            yield
            pending = self._batch.pending
        finally:
            self._batch.pending = None
        for obj, structure in pending.values():
            self.notify(obj, structure)

    # --- changing a status ------------------------------------------------------------------

    def _code(self, shared: str) -> str:
        return self.errors.get(shared, shared)

    def apply(
        self,
        obj: _M,
        *,
        actor: Any,
        structure: Any = None,
        name: str | None = None,
        to: str | None = None,
        commentaire: str = "",
        error_field: str | None = None,
        extra_fields: Iterable[str] = (),
    ) -> _M:
        """Move ``obj`` by the move ``name`` (or to the state ``to``), after checking the
        source state, the actor's right, the guards and the comment; writes the status and
        one log row. Call it inside a transaction with the row locked. ``extra_fields`` are
        saved along (fields the service changed on ``obj`` for this move)."""
        source = str(getattr(obj, self.field) or "")
        if name is not None:
            move: Move | None = self.moves[name]
            if move is not None and source not in move.sources:
                move = None
        else:
            move = self.move_to(source, str(to))
        if move is None:
            target = self.moves[name].target if name is not None else str(to)
            message = (
                self.refusal(source, target)
                if self.refusal
                else _("Impossible de passer de « %(from)s » à « %(to)s ».")
                % {"from": self.label(source), "to": self.label(target)}
            )
            raise BusinessError(
                self._code(WorkflowError.TRANSITION_NOT_ALLOWED),
                message,
                field=error_field,
                status=409,
            )
        if not self._permitted(move, actor, structure):
            raise forbidden(code=self._code(WorkflowError.FORBIDDEN))
        commentaire = (commentaire or "").strip()
        if move.comment_required and not commentaire:
            raise BusinessError(
                self._code(WorkflowError.COMMENT_REQUIRED),
                _("Un commentaire est obligatoire pour « %(move)s ».") % {"move": move.label},
                field="commentaire",
            )
        for guard in move.guards:
            guard(obj)
        user = None if is_system(actor) else actor
        setattr(obj, self.field, move.target)
        fields = [self.field, *extra_fields]
        stamp = move.stamp
        if stamp.at:
            setattr(obj, stamp.at, timezone.now())
            fields.append(stamp.at)
        if stamp.by:
            setattr(obj, stamp.by, user)
            fields.append(stamp.by)
        if stamp.comment:
            setattr(obj, stamp.comment, commentaire)
            fields.append(stamp.comment)
        for cleared in stamp.clear:
            setattr(obj, cleared, None)
            fields.append(cleared)
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            fields.append("updated_at")
        if obj._state.adding:
            obj.save()  # a move from "" creates the object
        else:
            obj.save(update_fields=list(dict.fromkeys(fields)))
        self._log(obj, source, move.target, user, commentaire, move.name)
        self.notify(obj, structure)
        return obj

    def log_creation(self, obj: models.Model, actor: Any, commentaire: str = "") -> None:
        """Log the first state of a new object (a move from "")."""
        user = None if is_system(actor) else actor
        self._log(obj, "", str(getattr(obj, self.field)), user, commentaire, "create")

    def _log(
        self, obj: models.Model, source: str, target: str, user: Any, commentaire: str, name: str
    ) -> None:
        row: dict[str, Any] = {
            self.log_field: obj,
            "from_statut": source,
            "to_statut": target,
            "user": user,
            "commentaire": commentaire,
        }
        if self.log_move_name:
            row["transition"] = name
        self.log_model._default_manager.create(**row)


def get(name: str) -> Workflow:
    return _REGISTRY[name]


def label_of(obj: Any) -> str:
    """The label of ``obj``'s status, from the workflow declaring its model."""
    for workflow in _REGISTRY.values():
        log_fk = workflow.log_model._meta.get_field(workflow.log_field)
        if isinstance(obj, log_fk.related_model):  # type: ignore[arg-type]
            return workflow.label(getattr(obj, workflow.field))
    return str(getattr(obj, "statut", ""))


__all__ = ["SYSTEM", "Move", "Stamp", "Workflow", "WorkflowError", "get", "label_of"]
