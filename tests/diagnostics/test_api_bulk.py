"""Bulk answers and confirmations through the API: all or nothing, every refusal listed,
roles and other structures, a 49-criteria self-diagnosis in a handful of calls."""

from __future__ import annotations

import pytest
from django.db import connection

from accompagnement.diagnostics import services
from accompagnement.diagnostics.models import Confirmation, Reponse

BASE = "/s/alpha/api/v1/autodiagnostics/"


@pytest.fixture
def created(autodiagnostic):
    connection.set_schema_to_public()
    return autodiagnostic


def _all_answers(frame, code="C", revision=0):
    return [
        {"critere": c.code, "valeur": code, "commentaire": "ok", "revision": revision}
        for c in frame.criteres
    ]


@pytest.fixture
def rows(network):
    def read():
        connection.set_tenant(network.structure)
        result = {
            r.critere.code: (r.valeur.code if r.valeur else None, r.revision)
            for r in Reponse.objects.select_related("critere", "valeur")
        }
        connection.set_schema_to_public()
        return result

    return read


def test_referent_answers_every_criterion_and_submits_in_one_call(
    created, frame, api_client_for, network, rows
):
    response = api_client_for(network.user("referent")).post(
        f"{BASE}{created.pk}/reponses/bulk/",
        {"reponses": _all_answers(frame), "submit": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["autodiagnostic"]["statut"] == "soumis"
    assert body["autodiagnostic"]["nb_repondus"] == len(frame.criteres)
    assert sorted(r["critere"]["code"] for r in body["reponses"]) == sorted(
        c.code for c in frame.criteres
    )
    assert set(rows().values()) == {("C", 1)}


def test_one_refused_item_writes_nothing_and_every_refusal_is_listed(
    created, frame, api_client_for, network, rows
):
    answers = _all_answers(frame)
    answers[1]["valeur"] = "ZZ"
    answers[2]["valeur"], answers[2]["commentaire"] = "NC", ""
    answers.append({"critere": "9.9.9", "valeur": "C", "revision": 0})
    response = api_client_for(network.user("referent")).post(
        f"{BASE}{created.pk}/reponses/bulk/", {"reponses": answers}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("value_not_on_scale", "reponses[1].valeur"),
        ("comment_required", "reponses[2].commentaire"),
        ("invalid", f"reponses[{len(frame.criteres)}].critere"),
    ]
    assert errors[0]["critere"] == frame.criteres[1].code
    assert all(e["message"] for e in errors)
    assert set(rows().values()) == {(None, 0)}  # nothing half-written


def test_a_stale_item_answers_409_with_the_saved_answer_and_writes_nothing(
    created, frame, api_client_for, network, rows
):
    client = api_client_for(network.user("referent"))
    first = frame.criteres[0].code
    client.patch(
        f"{BASE}{created.pk}/reponses/",
        {"critere": first, "valeur": "PC", "commentaire": "partiel", "revision": 0},
        format="json",
    )
    response = api_client_for(network.user("contributeur")).post(
        f"{BASE}{created.pk}/reponses/bulk/", {"reponses": _all_answers(frame)}, format="json"
    )
    assert response.status_code == 409
    (error,) = response.json()["errors"]
    assert error["code"] == "stale_answer" and error["critere"] == first
    assert error["current"]["valeur"] == "PC"
    assert rows()[first] == ("PC", 1)
    assert [v for code, v in rows().items() if code != first] == [(None, 0)] * (
        len(frame.criteres) - 1
    )


def test_the_same_criterion_twice_is_refused(created, frame, api_client_for, network):
    answers = _all_answers(frame)[:1] * 2
    response = api_client_for(network.user("referent")).post(
        f"{BASE}{created.pk}/reponses/bulk/", {"reponses": answers}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "reponses[1].critere"


@pytest.mark.parametrize(
    "role,status",
    [
        ("referent", 200),
        ("contributeur", 200),
        ("directeur", 200),
        ("lecteur", 403),
        ("expert", 403),
        ("pilote", 403),
        ("directeur_autre", 404),
        ("sans_role", 404),
    ],
)
def test_bulk_answers_by_role(created, frame, api_client_for, network, role, status):
    response = api_client_for(network.user(role)).post(
        f"{BASE}{created.pk}/reponses/bulk/", {"reponses": _all_answers(frame)}, format="json"
    )
    assert response.status_code == status, response.json()


def test_another_structure_cannot_reach_our_self_diagnosis(created, frame, api_client_for, network):
    response = api_client_for(network.user("directeur_autre")).post(
        f"/s/beta/api/v1/autodiagnostics/{created.pk}/reponses/bulk/",
        {"reponses": _all_answers(frame)},
        format="json",
    )
    assert response.status_code == 404


@pytest.fixture
def submitted(created, frame, api_client_for, network):
    response = api_client_for(network.user("referent")).post(
        f"{BASE}{created.pk}/reponses/bulk/",
        {"reponses": _all_answers(frame), "submit": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return created


def _confirmed(network):
    connection.set_tenant(network.structure)
    result = dict(Confirmation.objects.values_list("reponse__critere__code", "valeur__code"))
    connection.set_schema_to_public()
    return result


def test_expert_corrects_some_confirms_the_rest_and_finishes_in_one_call(
    submitted, frame, api_client_for, network
):
    corrected = frame.criteres[0].code
    response = api_client_for(network.user("expert")).post(
        f"{BASE}{submitted.pk}/confirmations/bulk/",
        {
            "confirmations": [
                {"critere": corrected, "valeur": "NC", "commentaire": "Procédure absente"}
            ],
            "rest_as_declared": True,
            "finish": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["autodiagnostic"]["statut"] == "confirme"
    assert len(body["reponses"]) == len(frame.criteres)
    confirmed = _confirmed(network)
    assert confirmed.pop(corrected) == "NC"
    assert set(confirmed.values()) == {"C"}
    scores = api_client_for(network.user("lecteur")).get(f"{BASE}{submitted.pk}/scores/").json()
    n = len(frame.criteres)
    assert scores["module"]["confirme"]["taux"] == pytest.approx((n - 1) / n)
    assert scores["module"]["ecart"] == pytest.approx(1 / n)


def test_a_refused_confirmation_writes_nothing(submitted, frame, api_client_for, network):
    response = api_client_for(network.user("expert")).post(
        f"{BASE}{submitted.pk}/confirmations/bulk/",
        {
            "confirmations": [
                {"critere": frame.criteres[0].code, "valeur": "PC"},  # differs: comment needed
                {"critere": frame.criteres[1].code},
            ],
            "rest_as_declared": True,
            "finish": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("comment_required", "confirmations[0].commentaire")
    ]
    assert _confirmed(network) == {}


def test_finish_without_the_rest_reports_what_is_missing(submitted, frame, api_client_for, network):
    response = api_client_for(network.user("expert")).post(
        f"{BASE}{submitted.pk}/confirmations/bulk/",
        {"confirmations": [{"critere": frame.criteres[0].code}], "finish": True},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "incomplete"
    assert _confirmed(network) == {}


@pytest.mark.parametrize(
    "role,status",
    [("expert", 200), ("referent", 403), ("pilote", 403), ("expert_autre", 404)],
)
def test_bulk_confirmation_by_role(submitted, api_client_for, network, role, status):
    response = api_client_for(network.user(role)).post(
        f"{BASE}{submitted.pk}/confirmations/bulk/", {"rest_as_declared": True}, format="json"
    )
    assert response.status_code == status


def test_level_ladder_rest_as_declared_confirms_the_open_criteria(
    in_structure, network, api_client_for
):
    from tests.factories import build_frame

    frame = build_frame(options={"echelle_par_niveau": True})
    autodiagnostic = services.create_autodiagnostic(
        structure=in_structure, version=frame.version, annee=2016, user=network.user("referent")
    )
    connection.set_schema_to_public()
    level_one = [c for c in frame.criteres if c.niveau == 1]
    answers = [
        {"critere": c.code, "valeur": "C", "commentaire": "", "revision": 0} for c in level_one
    ]
    referent = api_client_for(network.user("referent"))
    url = f"{BASE}{autodiagnostic.pk}/"
    response = referent.post(f"{url}reponses/bulk/", {"reponses": answers}, format="json")
    assert response.status_code == 200
    assert referent.post(f"{url}submit/", {}, format="json").status_code == 200
    response = api_client_for(network.user("expert")).post(
        f"{url}confirmations/bulk/", {"rest_as_declared": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert set(_confirmed(network)) == {c.code for c in level_one}


def test_49_criteria_answered_submitted_confirmed_in_three_calls(
    in_structure, frame_49, network, api_client_for, django_assert_max_num_queries
):
    autodiagnostic = services.create_autodiagnostic(
        structure=in_structure, version=frame_49.version, annee=2016, user=network.user("referent")
    )
    connection.set_schema_to_public()
    url = f"{BASE}{autodiagnostic.pk}/"
    referent = api_client_for(network.user("referent"))
    expert = api_client_for(network.user("expert"))
    with django_assert_max_num_queries(49 * 7):  # ~6 queries an answer, then the submission
        response = referent.post(
            f"{url}reponses/bulk/",
            {"reponses": _all_answers(frame_49, "PC"), "submit": True},
            format="json",
        )
    assert response.status_code == 200
    with django_assert_max_num_queries(49 * 12):  # ~11 queries a confirmation, then finish
        response = expert.post(
            f"{url}confirmations/bulk/", {"rest_as_declared": True, "finish": True}, format="json"
        )
    assert response.json()["autodiagnostic"]["statut"] == "confirme"
    scores = referent.get(f"{url}scores/").json()
    assert scores["module"]["confirme"]["taux"] == 0.5
    assert {n["tous_satisfaits_confirme"] for n in scores["niveaux"]} == {False}


def test_unknown_is_null_in_the_scores(submitted, api_client_for, network):
    """Nothing confirmed yet: the confirmed rate and "all satisfied" are unknown (null),
    not 0 or false; the declared side is known."""
    scores = api_client_for(network.user("lecteur")).get(f"{BASE}{submitted.pk}/scores/").json()
    assert scores["module"]["confirme"]["taux"] is None
    assert scores["module"]["ecart"] is None
    assert {n["tous_satisfaits_confirme"] for n in scores["niveaux"]} == {None}
    assert {n["tous_satisfaits_declare"] for n in scores["niveaux"]} == {True}
