"""The workflow engine (core.workflow), exercised on a real declaration: the structure
import (tenants.workflow.IMPORT, public schema), plus the labels of every declaration."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from core import workflow
from core.actors import SYSTEM
from core.errors import BusinessError
from core.models import TransitionLog
from core.workflow import Move, Workflow
from tenants.models import ImportStructures, ImportTransition
from tenants.workflow import IMPORT

Statut = ImportStructures.Statut


def _new() -> ImportStructures:
    return ImportStructures(fichier_nom="structures.csv")


def _log(record: ImportStructures) -> list[tuple[str, str, int | None, str]]:
    return list(
        ImportTransition.objects.filter(import_structures=record)
        .order_by("pk")
        .values_list("from_statut", "to_statut", "user", "commentaire")
    )


def test_a_move_from_new_creates_the_object_and_logs_it(network):
    pilot = network.user("pilote")
    record = IMPORT.apply(_new(), to=Statut.EN_ATTENTE, actor=pilot)
    record.refresh_from_db()
    assert record.statut == Statut.EN_ATTENTE and record.finished_at is None
    assert _log(record) == [("", "en_attente", pilot.pk, "")]


def test_system_moves_are_refused_to_people_and_change_nothing(network):
    record = IMPORT.apply(_new(), to=Statut.EN_ATTENTE, actor=network.user("federation"))
    with pytest.raises(BusinessError) as error:
        IMPORT.apply(record, name="start", actor=network.user("federation"))
    assert (error.value.code, error.value.status) == ("forbidden", 403)
    record.refresh_from_db()
    assert record.statut == Statut.EN_ATTENTE and len(_log(record)) == 1


def test_the_system_actor_moves_and_is_logged_as_no_user(network):
    record = IMPORT.apply(_new(), to=Statut.EN_ATTENTE, actor=network.user("federation"))
    IMPORT.apply(record, name="start", actor=SYSTEM)
    IMPORT.apply(record, name="finish", actor=SYSTEM, commentaire="  fini  ")
    record.refresh_from_db()
    assert record.statut == Statut.TERMINE and record.finished_at is not None
    assert _log(record)[1:] == [
        ("en_attente", "en_cours", None, ""),
        ("en_cours", "termine", None, "fini"),
    ]


def test_an_undeclared_move_is_refused_with_the_domain_code_and_labels(network):
    record = IMPORT.apply(_new(), to=Statut.REJETE, actor=network.user("federation"))
    with pytest.raises(BusinessError) as error:
        IMPORT.apply(record, to=Statut.EN_COURS, actor=SYSTEM)
    assert (error.value.code, error.value.status) == ("import_transition", 409)
    assert "Refusé (erreurs dans le fichier)" in error.value.message
    assert "rejete" not in error.value.message


def test_a_person_without_the_right_cannot_even_create(network):
    with pytest.raises(BusinessError) as error:
        IMPORT.apply(_new(), to=Statut.EN_ATTENTE, actor=network.user("directeur"))
    assert error.value.status == 403
    assert not ImportStructures.objects.exists()


def test_comment_guard_and_subscriber_order(network):
    """Comment first, then guards; subscribers run only after a move is written."""
    seen: list[str] = []

    def guard(obj):
        seen.append("guard")
        raise BusinessError("nope", "Refusé par la garde.")

    flow = Workflow(
        "tests.import_with_guard",
        states=Statut,
        log_model=ImportTransition,
        log_field="import_structures",
        moves=[
            Move("queue", {""}, Statut.EN_ATTENTE, "Mettre en attente", None),
            Move("start", {Statut.EN_ATTENTE}, Statut.EN_COURS, "Go", None, (guard,), True),
        ],
    )
    flow.subscribe(lambda obj, structure: seen.append(f"told:{obj.statut}"))
    record = flow.apply(_new(), name="queue", actor=SYSTEM)
    with pytest.raises(BusinessError) as error:
        flow.apply(record, name="start", actor=SYSTEM, commentaire="  ")
    assert error.value.code == "comment_required" and error.value.field == "commentaire"
    with pytest.raises(BusinessError) as error:
        flow.apply(record, name="start", actor=SYSTEM, commentaire="motif")
    assert error.value.code == "nope"
    record.refresh_from_db()
    assert record.statut == Statut.EN_ATTENTE
    assert seen == ["told:en_attente", "guard"]


def test_a_declaration_naming_an_unknown_state_is_refused():
    with pytest.raises(ValueError):
        Workflow(
            "tests.bad",
            states=Statut,
            log_model=ImportTransition,
            log_field="import_structures",
            moves=[Move("x", {Statut.EN_COURS}, "inconnu", "X", None)],
        )


def test_every_declared_state_and_move_has_a_label_that_is_not_its_code():
    import accompagnement.bilans.workflow  # noqa: F401 — declarations register on import
    import accompagnement.diagnostics.workflow  # noqa: F401
    import accompagnement.livrables.workflow  # noqa: F401
    import accompagnement.plans.workflow  # noqa: F401
    import accompagnement.reporting.workflow  # noqa: F401
    import referentiels.workflow  # noqa: F401

    names = {"plans.action", "livrables.version", "bilans.bilan_structure"}
    names |= {"diagnostics.autodiagnostic"}
    names |= {"reporting.bilan_territoire", "referentiels.version", "tenants.import_structures"}
    assert names <= set(workflow._REGISTRY)
    for name in names:
        flow = workflow.get(name)
        for code, label in flow.states.items():
            assert str(label) and str(label) != code, (name, code)
        for move in flow.moves.values():
            assert str(move.label) and str(move.label) != move.name, (name, move.name)
        # one log shape for every workflow
        assert issubclass(flow.log_model, TransitionLog), name


def test_status_labels_in_templates(network):
    record = IMPORT.apply(_new(), to=Statut.EN_ATTENTE, actor=network.user("federation"))
    html = Template(
        "{% load workflow_tags %}{{ record|status_label }} / "
        '{{ "en_cours"|state_label:"tenants.import_structures" }} / '
        '{{ ""|state_label:"tenants.import_structures"|default:"∅" }}'
    ).render(Context({"record": record}))
    assert html == "En attente / En cours / ∅"


def test_batched_notifications_come_once_per_object_at_the_end(network):
    seen: list[str] = []
    flow = Workflow(
        "tests.import_batched",
        states=Statut,
        log_model=ImportTransition,
        log_field="import_structures",
        moves=[
            Move("queue", {""}, Statut.EN_ATTENTE, "Mettre en attente", None),
            Move("start", {Statut.EN_ATTENTE}, Statut.EN_COURS, "Go", None),
        ],
    )
    flow.subscribe(lambda obj, structure: seen.append(obj.statut))
    with flow.batched():
        record = flow.apply(_new(), name="queue", actor=SYSTEM)
        flow.apply(record, name="start", actor=SYSTEM)
        with flow.batched():  # nested: the outer block tells
            flow.notify(record, None)
        assert seen == []
    assert seen == ["en_cours"]
    with pytest.raises(RuntimeError), flow.batched():
        flow.notify(record, None)
        raise RuntimeError
    assert seen == ["en_cours"]  # a failed block tells nobody
