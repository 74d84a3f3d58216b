"""Self-diagnosis workflow through its services (structure alpha's schema)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accompagnement.diagnostics import confirmation_jobs, exports, selectors, services
from accompagnement.diagnostics.errors import DiagnosticError
from accompagnement.diagnostics.models import (
    Autodiagnostic,
    AutodiagnosticTransition,
    Confirmation,
    ExportAutodiagnostic,
    Preuve,
)
from accompagnement.plans.models import Action, PlanAction
from core.errors import BusinessError
from core.models import Job
from referentiels.models import ReferentielVersion
from tests.diagnostics.conftest import answer_all
from tests.factories import build_frame, build_next_version

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _reponse(autodiagnostic, code):
    return autodiagnostic.reponses.select_related("critere").get(critere__code=code)


def _raises(code, call, **kwargs):
    with pytest.raises(BusinessError) as error:
        call(**kwargs)
    assert error.value.code == code
    return error.value


# --- Creation ------------------------------------------------------------------------------


def test_create_makes_one_answer_per_criterion_and_marks_the_version_used(autodiagnostic, frame):
    assert autodiagnostic.reponses.count() == len(frame.criteres)
    assert autodiagnostic.statut == Autodiagnostic.Statut.BROUILLON
    assert ReferentielVersion.objects.get(pk=frame.version.pk).utilisee is True
    assert AutodiagnosticTransition.objects.filter(
        autodiagnostic=autodiagnostic, transition="create"
    ).exists()


def test_create_refuses_a_draft_version_and_a_reader(in_structure, network):
    draft = build_frame(publish=False)
    _raises(
        DiagnosticError.VERSION_NOT_PUBLISHED,
        services.create_autodiagnostic,
        structure=in_structure,
        version=draft.version,
        annee=2016,
        user=network.user("referent"),
    )
    published = build_frame()
    _raises(
        DiagnosticError.FORBIDDEN,
        services.create_autodiagnostic,
        structure=in_structure,
        version=published.version,
        annee=2016,
        user=network.user("lecteur"),
    )


def test_new_year_starts_from_previous_answers(autodiagnostic, frame, network):
    referent = network.user("referent")
    answer_all(network.structure, autodiagnostic, frame, referent, code="PC")
    following = services.create_autodiagnostic(
        structure=network.structure, version=frame.version, annee=2017, user=referent
    )
    assert following.precedent == autodiagnostic
    assert set(following.reponses.values_list("valeur__code", flat=True)) == {"PC"}


def test_new_version_carries_answers_through_the_mapping(autodiagnostic, frame, network):
    referent = network.user("referent")
    answer_all(network.structure, autodiagnostic, frame, referent, code="C")
    new = build_next_version(frame, drop="4.1.1")
    following = services.create_autodiagnostic(
        structure=network.structure, version=new.version, annee=2017, user=referent
    )
    answers = dict(following.reponses.values_list("critere__code", "valeur__code"))
    assert answers.pop("4.1.1") is None
    assert set(answers.values()) == {"C"}
    assert set(following.reponses.values_list("critere__version", flat=True)) == {new.version.pk}


# --- Answers -------------------------------------------------------------------------------


def test_stale_revision_is_refused_with_the_other_answer(autodiagnostic, frame, network):
    reponse = _reponse(autodiagnostic, "4.1.1")
    services.save_answer(
        structure=network.structure,
        reponse=reponse,
        valeur="C",
        commentaire="Procédure écrite",
        expected_revision=0,
        user=network.user("referent"),
    )
    error = _raises(
        DiagnosticError.STALE_ANSWER,
        services.save_answer,
        structure=network.structure,
        reponse=reponse,
        valeur="PC",
        commentaire="",
        expected_revision=0,
        user=network.user("contributeur"),
    )
    assert error.status == 409
    assert error.details["current"]["valeur"] == "C"
    assert error.details["current"]["commentaire"] == "Procédure écrite"
    assert error.details["current"]["revision"] == 1
    assert _reponse(autodiagnostic, "4.1.1").valeur.code == "C"


def test_value_not_on_the_scale_is_refused(autodiagnostic, frame, network):
    other = build_frame()
    reponse = _reponse(autodiagnostic, "4.1.1")
    for valeur in ("XX", other.valeurs["C"]):
        _raises(
            DiagnosticError.VALUE_NOT_ON_SCALE,
            services.save_answer,
            structure=network.structure,
            reponse=reponse,
            valeur=valeur,
            commentaire="",
            expected_revision=0,
            user=network.user("referent"),
        )


def test_non_conform_requires_a_comment(autodiagnostic, network):
    reponse = _reponse(autodiagnostic, "4.1.1")
    error = _raises(
        DiagnosticError.COMMENT_REQUIRED,
        services.save_answer,
        structure=network.structure,
        reponse=reponse,
        valeur="NC",
        commentaire="  ",
        expected_revision=0,
        user=network.user("referent"),
    )
    assert error.field == "commentaire"
    saved = services.save_answer(
        structure=network.structure,
        reponse=reponse,
        valeur="NC",
        commentaire="Pas de procédure",
        expected_revision=0,
        user=network.user("referent"),
    )
    assert saved.revision == 1


def test_reader_cannot_answer(autodiagnostic, network):
    _raises(
        DiagnosticError.FORBIDDEN,
        services.save_answer,
        structure=network.structure,
        reponse=_reponse(autodiagnostic, "4.1.1"),
        valeur="C",
        commentaire="",
        expected_revision=0,
        user=network.user("lecteur"),
    )


# --- Evidence ------------------------------------------------------------------------------


def test_evidence_type_and_size_are_checked(autodiagnostic, network, settings):
    reponse = _reponse(autodiagnostic, "4.1.1")
    referent = network.user("referent")
    preuve = services.add_preuve(
        structure=network.structure,
        reponse=reponse,
        fichier=SimpleUploadedFile("procédure.pdf", PDF),
        user=referent,
    )
    assert preuve.nom_original == "procédure.pdf"
    assert preuve.fichier.storage.exists(preuve.fichier.name)
    assert "procédure" not in preuve.fichier.name
    _raises(
        DiagnosticError.FILE_TYPE,
        services.add_preuve,
        structure=network.structure,
        reponse=reponse,
        fichier=SimpleUploadedFile("script.exe", b"MZ..."),
        user=referent,
    )
    _raises(
        DiagnosticError.FILE_TYPE,
        services.add_preuve,
        structure=network.structure,
        reponse=reponse,
        fichier=SimpleUploadedFile("faux.pdf", b"<html>"),
        user=referent,
    )
    settings.MAX_UPLOAD_SIZE = 10
    _raises(
        DiagnosticError.FILE_TOO_LARGE,
        services.add_preuve,
        structure=network.structure,
        reponse=reponse,
        fichier=SimpleUploadedFile("gros.pdf", PDF),
        user=referent,
    )
    assert Preuve.objects.filter(reponse=reponse).count() == 1
    preuve.fichier.storage.delete(preuve.fichier.name)


# --- Submit, lock, reopen ------------------------------------------------------------------


def test_submit_needs_every_answer_then_locks(autodiagnostic, frame, network):
    referent = network.user("referent")
    error = _raises(
        DiagnosticError.INCOMPLETE,
        services.submit_autodiagnostic,
        structure=network.structure,
        autodiagnostic=autodiagnostic,
        user=referent,
    )
    assert error.message.startswith("6 critères sans réponse : ")
    answer_all(network.structure, autodiagnostic, frame, referent)
    last = _reponse(autodiagnostic, "4.2.3")
    services.save_answer(
        structure=network.structure,
        reponse=last,
        valeur=None,
        commentaire="",
        expected_revision=last.revision,
        user=referent,
    )
    error = _raises(
        DiagnosticError.INCOMPLETE,
        services.submit_autodiagnostic,
        structure=network.structure,
        autodiagnostic=autodiagnostic,
        user=referent,
    )
    assert error.message == "1 critère sans réponse : 4.2.3."
    answer_all(network.structure, autodiagnostic, frame, referent)
    _raises(
        DiagnosticError.FORBIDDEN,
        services.submit_autodiagnostic,
        structure=network.structure,
        autodiagnostic=autodiagnostic,
        user=network.user("contributeur"),
    )
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=referent
    )
    autodiagnostic.refresh_from_db()
    assert autodiagnostic.statut == Autodiagnostic.Statut.SOUMIS
    assert autodiagnostic.submitted_by == referent
    reponse = _reponse(autodiagnostic, "4.1.1")
    _raises(
        DiagnosticError.LOCKED,
        services.save_answer,
        structure=network.structure,
        reponse=reponse,
        valeur="PC",
        commentaire="",
        expected_revision=reponse.revision,
        user=referent,
    )


def test_reopen_is_asked_by_the_structure_and_done_by_the_expert(autodiagnostic, frame, network):
    referent, expert = network.user("referent"), network.user("expert")
    answer_all(network.structure, autodiagnostic, frame, referent)
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=referent
    )
    _raises(
        DiagnosticError.FORBIDDEN,
        services.reopen_autodiagnostic,
        structure=network.structure,
        autodiagnostic=autodiagnostic,
        user=referent,
    )
    services.request_reopen(
        structure=network.structure,
        autodiagnostic=autodiagnostic,
        user=referent,
        commentaire="Erreur en 4.1",
    )
    _raises(
        DiagnosticError.TRANSITION_NOT_ALLOWED,
        services.submit_autodiagnostic,
        structure=network.structure,
        autodiagnostic=autodiagnostic,
        user=referent,
    )
    services.reopen_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=expert
    )
    autodiagnostic.refresh_from_db()
    assert autodiagnostic.statut == Autodiagnostic.Statut.BROUILLON
    log = list(
        autodiagnostic.transitions.values_list(
            "transition", "from_statut", "to_statut", "user__email"
        )
    )
    assert log == [
        ("create", "", "brouillon", referent.email),
        ("submit", "brouillon", "soumis", referent.email),
        ("request_reopen", "soumis", "reouverture_demandee", referent.email),
        ("reopen", "reouverture_demandee", "brouillon", expert.email),
    ]


def test_federation_admin_may_reopen(autodiagnostic, frame, network):
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    services.reopen_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("federation")
    )
    assert (
        Autodiagnostic.objects.get(pk=autodiagnostic.pk).statut == Autodiagnostic.Statut.BROUILLON
    )


# --- Confirmation --------------------------------------------------------------------------


@pytest.fixture
def submitted(autodiagnostic, frame, network):
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    return autodiagnostic


def test_confirmation_gap_per_criterion_theme_and_module(submitted, frame, network):
    expert = network.user("expert")
    _raises(
        DiagnosticError.COMMENT_REQUIRED,
        services.confirm_criterion,
        structure=network.structure,
        reponse=_reponse(submitted, "4.1.1"),
        expert=expert,
        valeur="NC",
        commentaire="",
    )
    for reponse in submitted.reponses.select_related("critere"):
        if reponse.critere.code == "4.1.1":
            services.confirm_criterion(
                structure=network.structure,
                reponse=reponse,
                expert=expert,
                valeur="NC",
                commentaire="Aucune procédure",
            )
        else:
            services.confirm_criterion(structure=network.structure, reponse=reponse, expert=expert)
    view = selectors.scores_of(submitted)
    scores = view.scores
    assert scores.declared.module.rate == 1.0
    assert scores.confirmed.module.rate == pytest.approx(5 / 6)
    assert scores.gap_module == pytest.approx(1 / 6)
    critere = frame.critere("4.1.1")
    assert scores.gap_by_criterion[critere.pk] == 1.0
    assert scores.gap_theme(frame.themes[0].pk) == pytest.approx(1 - 2 / 3)
    assert scores.gap_theme(frame.themes[1].pk) == 0
    assert scores.gap_level(1) == pytest.approx(1 - 2 / 3)
    payload = selectors.scores_payload(view)
    assert payload["module"]["ecart"] == pytest.approx(16.7)
    services.finish_confirmation(structure=network.structure, autodiagnostic=submitted, user=expert)
    assert Autodiagnostic.objects.get(pk=submitted.pk).statut == Autodiagnostic.Statut.CONFIRME


def test_only_the_assigned_expert_confirms(submitted, network):
    reponse = _reponse(submitted, "4.1.1")
    for role in ("expert_autre", "referent", "directeur", "federation", "pilote"):
        _raises(
            DiagnosticError.FORBIDDEN,
            services.confirm_criterion,
            structure=network.structure,
            reponse=reponse,
            expert=network.user(role),
            valeur="C",
        )


def test_confirmation_refused_before_submission_and_incomplete_finish(
    autodiagnostic, network, frame
):
    expert = network.user("expert")
    _raises(
        DiagnosticError.NOT_UNDER_REVIEW,
        services.confirm_criterion,
        structure=network.structure,
        reponse=_reponse(autodiagnostic, "4.1.1"),
        expert=expert,
        valeur="C",
    )
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    error = _raises(
        DiagnosticError.INCOMPLETE,
        services.finish_confirmation,
        structure=network.structure,
        autodiagnostic=autodiagnostic,
        user=expert,
    )
    assert error.message.startswith("6 critères restent à confirmer : ")


def test_reviewed_evidence_must_belong_to_the_answer(autodiagnostic, frame, network):
    referent, expert = network.user("referent"), network.user("expert")
    preuve = services.add_preuve(
        structure=network.structure,
        reponse=_reponse(autodiagnostic, "4.1.2"),
        fichier=SimpleUploadedFile("p.pdf", PDF),
        user=referent,
    )
    answer_all(network.structure, autodiagnostic, frame, referent)
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=referent
    )
    _raises(
        DiagnosticError.EVIDENCE_NOT_OF_ANSWER,
        services.confirm_criterion,
        structure=network.structure,
        reponse=_reponse(autodiagnostic, "4.1.1"),
        expert=expert,
        preuves_examinees=[preuve],
    )
    confirmation = services.confirm_criterion(
        structure=network.structure,
        reponse=_reponse(autodiagnostic, "4.1.2"),
        expert=expert,
        preuves_examinees=[preuve],
    )
    assert list(confirmation.preuves_examinees.all()) == [preuve]
    preuve.fichier.storage.delete(preuve.fichier.name)


# --- Level ladder --------------------------------------------------------------------------


def test_level_ladder_opens_level_two_once_level_one_is_confirmed_satisfied(in_structure, network):
    frame = build_frame([(2, 1), (1, 1)], options={"echelle_par_niveau": True})
    referent, expert = network.user("referent"), network.user("expert")
    autodiagnostic = services.create_autodiagnostic(
        structure=in_structure, version=frame.version, annee=2016, user=referent
    )
    level_two = _reponse(autodiagnostic, "4.1.3")
    _raises(
        DiagnosticError.LEVEL_LOCKED,
        services.save_answer,
        structure=network.structure,
        reponse=level_two,
        valeur="C",
        commentaire="",
        expected_revision=0,
        user=referent,
    )
    for code in ("4.1.1", "4.1.2", "4.2.1"):
        services.save_answer(
            structure=network.structure,
            reponse=_reponse(autodiagnostic, code),
            valeur="C",
            commentaire="",
            expected_revision=0,
            user=referent,
        )
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=referent
    )  # level 2 not required yet
    services.confirm_criterion(
        structure=network.structure, reponse=_reponse(autodiagnostic, "4.1.1"), expert=expert
    )
    services.confirm_criterion(
        structure=network.structure,
        reponse=_reponse(autodiagnostic, "4.2.1"),
        expert=expert,
        valeur="PC",
        commentaire="Partiel",
    )
    _raises(
        DiagnosticError.LEVEL_LOCKED,
        services.confirm_criterion,
        structure=network.structure,
        reponse=level_two,
        expert=expert,
        valeur="C",
        commentaire="x",
    )
    services.confirm_criterion(
        structure=network.structure, reponse=_reponse(autodiagnostic, "4.1.2"), expert=expert
    )
    services.reopen_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=expert
    )
    services.save_answer(
        structure=network.structure,
        reponse=level_two,
        valeur="C",
        commentaire="",
        expected_revision=0,
        user=referent,
    )
    _raises(
        DiagnosticError.LEVEL_LOCKED,
        services.save_answer,
        structure=network.structure,
        reponse=_reponse(autodiagnostic, "4.2.2"),
        valeur="C",
        commentaire="",
        expected_revision=0,
        user=referent,
    )
    sheet = selectors.answer_sheet(autodiagnostic)
    locked = {
        row.code
        for theme in sheet.themes
        for _niveau, rows in theme.levels
        for row in rows
        if row.locked
    }
    assert locked == {"4.2.2"}


# --- Actions -------------------------------------------------------------------------------


def test_propose_actions_from_confirmed_nonconformities_is_idempotent(submitted, network):
    expert = network.user("expert")
    services.confirm_criterion(
        structure=network.structure,
        reponse=_reponse(submitted, "4.1.1"),
        expert=expert,
        valeur="NC",
        commentaire="Pas de procédure",
    )
    services.confirm_criterion(
        structure=network.structure,
        reponse=_reponse(submitted, "4.2.1"),
        expert=expert,
        valeur="PC",
        commentaire="Partiel",
    )
    services.confirm_criterion(
        structure=network.structure, reponse=_reponse(submitted, "4.1.2"), expert=expert
    )
    services.confirm_criterion(
        structure=network.structure,
        reponse=_reponse(submitted, "4.2.2"),
        expert=expert,
        valeur="NA",
        commentaire="Sans objet",
    )
    created = services.propose_actions_from_nonconformities(
        structure=network.structure, autodiagnostic=submitted, user=expert
    )
    assert sorted(a.criteres.get().code for a in created) == ["4.1.1", "4.2.1"]
    assert PlanAction.objects.get().titre == "Plan d'actions 2016"
    action = Action.objects.get(criteres__code="4.1.1")
    assert action.origine == Action.Origine.AUTODIAGNOSTIC
    assert action.origine_ref == {
        "autodiagnostic": submitted.pk,
        "critere": action.criteres.get().pk,
    }
    assert action.priorite == Action.Priorite.HAUTE
    assert (
        services.propose_actions_from_nonconformities(
            structure=network.structure, autodiagnostic=submitted, user=expert
        )
        == []
    )
    assert Action.objects.count() == 2
    _raises(
        DiagnosticError.FORBIDDEN,
        services.propose_actions_from_nonconformities,
        structure=network.structure,
        autodiagnostic=submitted,
        user=network.user("lecteur"),
    )


def test_the_diagnostics_services_refuse_a_structure_other_than_the_schemas(
    submitted, frame, network
):
    """Each service takes the structure; given another one than the schema it runs in (its
    rights would be checked on the wrong structure), it refuses before any write."""
    other, referent, expert = (
        network.other_structure,
        network.user("referent"),
        network.user("expert"),
    )
    reponse = _reponse(submitted, "4.1.1")
    preuve = Preuve.objects.create(reponse=reponse, nom_original="p.pdf", taille=1)
    calls = {
        "create_autodiagnostic": lambda: services.create_autodiagnostic(
            structure=other, version=frame.version, annee=2030, user=referent
        ),
        "save_answer": lambda: services.save_answer(
            structure=other,
            reponse=reponse,
            valeur="NC",
            commentaire="x",
            expected_revision=reponse.revision,
            user=referent,
        ),
        "save_answers": lambda: services.save_answers(
            structure=other, autodiagnostic=submitted, answers=[], user=referent
        ),
        "add_preuve": lambda: services.add_preuve(
            structure=other,
            reponse=reponse,
            fichier=SimpleUploadedFile("p.pdf", PDF),
            user=referent,
        ),
        "delete_preuve": lambda: services.delete_preuve(
            structure=other, preuve=preuve, user=referent
        ),
        "submit_autodiagnostic": lambda: services.submit_autodiagnostic(
            structure=other, autodiagnostic=submitted, user=referent
        ),
        "request_reopen": lambda: services.request_reopen(
            structure=other, autodiagnostic=submitted, user=referent, commentaire="x"
        ),
        "refuse_reopen": lambda: services.refuse_reopen(
            structure=other, autodiagnostic=submitted, user=expert
        ),
        "reopen_autodiagnostic": lambda: services.reopen_autodiagnostic(
            structure=other, autodiagnostic=submitted, user=expert
        ),
        "confirm_criterion": lambda: services.confirm_criterion(
            structure=other, reponse=reponse, expert=expert
        ),
        "confirm_criteria": lambda: services.confirm_criteria(
            structure=other,
            autodiagnostic=submitted,
            expert=expert,
            confirmations=[],
            rest_as_declared=True,
        ),
        "finish_confirmation": lambda: services.finish_confirmation(
            structure=other, autodiagnostic=submitted, user=expert
        ),
        "propose_actions_from_nonconformities": (
            lambda: services.propose_actions_from_nonconformities(
                structure=other, autodiagnostic=submitted, user=expert
            )
        ),
        "propose_actions": lambda: services.propose_actions(
            structure=other, autodiagnostic=submitted, user=expert, proposals=[]
        ),
        "request_export": lambda: exports.request_export(
            structure=other, autodiagnostic=submitted, fmt="xlsx", user=referent
        ),
        "start_confirm_remaining": lambda: confirmation_jobs.start_confirm_remaining(
            structure=other, autodiagnostic=submitted, expert=expert
        ),
    }
    for name, call in calls.items():
        with pytest.raises(RuntimeError, match=name):
            call()
    submitted.refresh_from_db()
    assert submitted.statut == Autodiagnostic.Statut.SOUMIS
    assert Autodiagnostic.objects.count() == 1
    assert AutodiagnosticTransition.objects.filter(autodiagnostic=submitted).count() == 2
    assert _reponse(submitted, "4.1.1").revision == reponse.revision
    assert not Confirmation.objects.exists() and not ExportAutodiagnostic.objects.exists()
    assert list(Preuve.objects.all()) == [preuve] and not Action.objects.exists()
    assert not Job.objects.exists()
