"""Action plans: status workflow and who may change it, completion rate, page, policy."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accompagnement.plans import scoring, selectors, services, workflow
from accompagnement.plans.models import Action, ActionTransition
from core.errors import BusinessError

Statut = Action.Statut
TODAY = datetime.date.today()


def _action(network, **fields):
    return services.create_action(
        structure=network.structure,
        user=network.user("referent"),
        titre="Réviser le livret",
        **fields,
    )


@pytest.mark.parametrize("role", ["directeur", "referent", "expert"])
def test_plan_writers_change_a_status_and_it_is_logged(in_structure, network, role):
    action = _action(network)
    action = services.change_action_status(
        structure=network.structure, user=network.user(role), action=action, statut=Statut.EN_COURS
    )
    action = services.change_action_status(
        structure=network.structure, user=network.user(role), action=action, statut=Statut.FAIT
    )
    assert action.statut == Statut.FAIT and action.avancement == 100 and action.done_at
    log = list(
        ActionTransition.objects.filter(action=action)
        .order_by("pk")
        .values_list("from_statut", "to_statut")
    )
    assert log == [("", "a_faire"), ("a_faire", "en_cours"), ("en_cours", "fait")]


@pytest.mark.parametrize(
    "role",
    [
        "contributeur",
        "lecteur",
        "pilote",
        "federation",
        "expert_autre",
        "directeur_autre",
        "sans_role",
    ],
)
def test_others_cannot_change_a_status(in_structure, network, role):
    action = _action(network)
    with pytest.raises(BusinessError) as error:
        services.change_action_status(
            structure=network.structure,
            user=network.user(role),
            action=action,
            statut=Statut.EN_COURS,
        )
    assert error.value.code == "forbidden"
    action.refresh_from_db()
    assert action.statut == Statut.A_FAIRE


@pytest.mark.parametrize("role", ["contributeur", "lecteur", "directeur_autre", "sans_role"])
def test_others_cannot_create_actions(in_structure, network, role):
    with pytest.raises(BusinessError):
        services.create_action(structure=network.structure, user=network.user(role), titre="x")


def test_every_move_of_the_table_and_only_those(in_structure, network):
    for source in Statut.values:
        for target in Statut.values:
            action = _action(network)
            Action.objects.filter(pk=action.pk).update(statut=source)
            if (source, target) in workflow.ACTION.edges():
                moved = workflow.apply_transition(
                    action=action,
                    to=target,
                    user=network.user("referent"),
                    structure=network.structure,
                    commentaire="motif",
                )
                assert moved.statut == target
            else:
                with pytest.raises(BusinessError) as error:
                    workflow.apply_transition(
                        action=action,
                        to=target,
                        user=network.user("referent"),
                        structure=network.structure,
                        commentaire="motif",
                    )
                assert error.value.code == "transition_not_allowed"


def test_abandon_and_reopen_need_a_comment(in_structure, network):
    action = _action(network)
    with pytest.raises(BusinessError) as error:
        services.change_action_status(
            structure=network.structure,
            user=network.user("referent"),
            action=action,
            statut=Statut.ABANDONNE,
        )
    assert error.value.code == "comment_required"
    services.change_action_status(
        structure=network.structure,
        user=network.user("referent"),
        action=action,
        statut=Statut.ABANDONNE,
        commentaire="Doublon",
    )


def _independent_rate(statuses):
    done = statuses.count("fait")
    all_but_abandoned = len(statuses) - statuses.count("abandonne")
    return None if all_but_abandoned == 0 else done / all_but_abandoned


@given(st.lists(st.sampled_from(Statut.values), max_size=60))
@settings(max_examples=200)
def test_completion_rate_matches_an_independent_calculation(statuses):
    expected = _independent_rate(statuses)
    counts = {s: statuses.count(s) for s in set(statuses)}
    assert scoring.completion_rate(statuses) == expected
    assert scoring.completion_rate_from_counts(counts) == expected


def test_completion_rate_of_the_structure(in_structure, network):
    statuses = ["fait", "fait", "en_cours", "a_faire", "abandonne"]
    for statut in statuses:
        services.create_action(
            structure=network.structure, user=network.user("referent"), titre=statut, statut=statut
        )
    assert selectors.completion_rate() == pytest.approx(2 / 4)


def test_filters_and_late_actions(in_structure, network):
    late = _action(network, echeance=TODAY - datetime.timedelta(days=3), dimension="culturelle")
    _action(network, echeance=TODAY + datetime.timedelta(days=3))
    done_late = _action(network, echeance=TODAY - datetime.timedelta(days=3))
    services.change_action_status(
        structure=network.structure,
        user=network.user("referent"),
        action=done_late,
        statut=Statut.FAIT,
    )
    late_ids = [a.pk for a in selectors.actions_filtered(selectors.PlanFilters(en_retard=True))]
    assert late_ids == [late.pk]
    assert [
        a.pk for a in selectors.actions_filtered(selectors.PlanFilters(dimension="culturelle"))
    ] == [late.pk]
    assert [a.pk for a in selectors.actions_filtered(selectors.PlanFilters(statut="fait"))] == [
        done_late.pk
    ]


def test_quality_policy_has_four_to_six_axes(in_structure, network):
    axes = [{"titre": f"Axe {i}"} for i in range(1, 4)]
    with pytest.raises(BusinessError) as error:
        services.save_politique(
            structure=network.structure, user=network.user("directeur"), titre="PQ", axes=axes
        )
    assert error.value.code == "axes_count"
    with pytest.raises(BusinessError):
        services.save_politique(
            structure=network.structure, user=network.user("directeur"), titre="PQ", axes=axes * 3
        )
    politique = services.save_politique(
        structure=network.structure,
        user=network.user("directeur"),
        titre="PQ",
        axes=axes + [{"titre": "Axe 4"}],
    )
    axe = politique.axes.get(numero=2)
    action = _action(network, axe=axe)
    page = selectors.plan_page(selectors.PlanFilters(axe=axe.pk))
    assert [a.pk for a in page.actions] == [action.pk]
    assert [a.nb_actions for a in page.axes] == [0, 1, 0, 0]


def _plan_url(network):
    return f"/s/{network.structure.slug}/plan/"


def test_plan_page_query_count_is_bounded(
    in_structure, network, client_for, django_assert_max_num_queries
):
    """A fixed number of queries whatever the number of actions (django-tenants adds a
    ``SET search_path`` before each query, counted too)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(network.user("referent"))
    _action(network)
    client.get(_plan_url(network))
    with CaptureQueriesContext(connection) as few:
        client.get(_plan_url(network))
    for i in range(25):
        _action(
            network,
            echeance=TODAY - datetime.timedelta(days=i - 10),
            responsable=network.user("referent"),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_plan_url(network))
    assert len(few.captured_queries) <= 40
    assert response.status_code == 200
    expected_late = sum(1 for i in range(25) if i - 10 > 0)
    assert response.content.decode().count('class="late"') == expected_late


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("directeur", 200),
        ("referent", 200),
        ("contributeur", 200),
        ("lecteur", 200),
        ("expert", 200),
        ("pilote", 200),
        ("federation", 200),
        ("directeur_autre", 404),
        ("expert_autre", 404),
        ("sans_role", 404),
    ],
)
def test_plan_page_by_role(network, client_for, role, status):
    assert client_for(network.user(role)).get(_plan_url(network)).status_code == status


def test_status_change_by_htmx_returns_the_row(in_structure, network, client_for):
    action = _action(network)
    response = client_for(network.user("referent")).post(
        f"{_plan_url(network)}actions/{action.pk}/statut/",
        {"statut": "en_cours"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and f'id="action-{action.pk}"' in response.content.decode()
    action.refresh_from_db()
    assert action.statut == "en_cours"


def test_reader_cannot_change_status_through_the_page(in_structure, network, client_for):
    action = _action(network)
    response = client_for(network.user("lecteur")).post(
        f"{_plan_url(network)}actions/{action.pk}/statut/", {"statut": "en_cours"}
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.statut == "a_faire"
