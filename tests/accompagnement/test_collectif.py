"""Collective work: collective actions in each member's plan, per-structure follow-up,
meetings, minutes, attendance and participation rates, planning, iCalendar, queue."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from accompagnement.groupes import rates, selectors, services
from accompagnement.groupes.models import AdhesionGroupe, ReunionCollective, SuiviActionCollective
from accompagnement.livrables import services as livrable_services
from accompagnement.plans import services as plan_services
from accompagnement.plans.models import Action
from core.errors import BusinessError
from tests.accompagnement.conftest import pdf_file

NOW = timezone.now()


def test_collective_action_appears_in_each_members_plan_and_is_followed_per_structure(network):
    action = services.create_action_collective(
        user=network.user("expert"),
        groupe=network.groupe,
        titre="Harmoniser le livret d'accueil",
        priorite="haute",
    )
    with schema_context(network.structure.schema_name):
        copy = Action.objects.get(
            origine="plan_collectif", origine_ref__action_collective=action.pk
        )
        assert copy.titre == action.titre and copy.priorite == "haute"
        plan_services.change_action_status(
            structure=network.structure,
            user=network.user("referent"),
            action=copy,
            statut="en_cours",
        )
    with schema_context(network.other_structure.schema_name):
        assert not Action.objects.filter(origine_ref__action_collective=action.pk).exists()
    suivi = SuiviActionCollective.objects.get(action_collective=action, structure=network.structure)
    assert (suivi.statut, suivi.action_id) == ("en_cours", copy.pk)
    services.update_action_collective(
        user=network.user("expert"), action=action, titre="Livret d'accueil commun"
    )
    with schema_context(network.structure.schema_name):
        copy.refresh_from_db()
        assert copy.titre == "Livret d'accueil commun" and copy.statut == "en_cours"
        assert Action.objects.filter(origine_ref__action_collective=action.pk).count() == 1


@pytest.mark.parametrize(
    "role", ["directeur", "referent", "lecteur", "expert_autre", "pilote_autre", "sans_role"]
)
def test_only_the_groups_lead_writes_collective_actions(network, role):
    with pytest.raises(BusinessError) as error:
        services.create_action_collective(user=network.user(role), groupe=network.groupe, titre="x")
    assert error.value.code == "forbidden"


def _reunion(network, days_ago: int, **extra):
    return services.create_reunion(
        user=network.user("expert"),
        groupe=network.groupe,
        date=NOW - datetime.timedelta(days=days_ago),
        lieu="Lille",
        **extra,
    )


def test_participation_rate_against_an_independent_calculation(network):
    AdhesionGroupe.objects.create(
        groupe=network.groupe,
        structure=network.structure,
        date_entree=(NOW - datetime.timedelta(days=50)).date(),
    )
    before_join = _reunion(network, 80)
    r1, _r2, r3 = _reunion(network, 40), _reunion(network, 20), _reunion(network, 5)
    _reunion(network, -10)  # not held yet
    cancelled = _reunion(network, 3)
    ReunionCollective.objects.filter(pk=cancelled.pk).update(annulee=True)
    for reunion in (before_join, r1, r3):
        services.record_emargement(
            user=network.user("expert"),
            reunion=reunion,
            structure=network.structure,
            participants="Référente",
        )
    table = selectors.participation(network.groupe)
    ((structure, part),) = table.per_structure
    assert structure == network.structure
    # Held since joining: r1, r2, r3 (before_join predates, the future one is not held, cancelled does not count).
    assert (part.attended, part.held) == (2, 3) and part.rate == pytest.approx(2 / 3)
    assert table.groupe.rate == pytest.approx(2 / 3)


@given(
    meetings=st.lists(st.tuples(st.integers(0, 400), st.booleans()), max_size=30),
    joined=st.one_of(st.none(), st.integers(0, 400)),
)
def test_structure_participation_property(meetings, joined):
    start = datetime.date(2016, 1, 1)
    rows = [(i, start + datetime.timedelta(days=d)) for i, (d, _a) in enumerate(meetings)]
    attended = {i for i, (_d, a) in enumerate(meetings) if a}
    joined_date = None if joined is None else start + datetime.timedelta(days=joined)
    part = rates.structure_participation(meetings=rows, joined=joined_date, attended_ids=attended)
    expected_held = [i for i, day in rows if joined_date is None or day >= joined_date]
    expected_attended = len([i for i in expected_held if i in attended])
    assert (part.attended, part.held) == (expected_attended, len(expected_held))
    assert part.rate == (None if not expected_held else expected_attended / len(expected_held))


def test_group_rate_is_pooled_not_averaged():
    parts = [rates.Participation(1, 1), rates.Participation(1, 4)]
    assert rates.group_participation(parts).rate == pytest.approx(2 / 5)


def test_attendance_only_for_member_structures_and_by_the_lead(network):
    reunion = _reunion(network, 1)
    with pytest.raises(BusinessError) as error:
        services.record_emargement(
            user=network.user("expert"), reunion=reunion, structure=network.other_structure
        )
    assert error.value.code == "not_member"
    with pytest.raises(BusinessError) as error:
        services.record_emargement(
            user=network.user("referent"), reunion=reunion, structure=network.structure
        )
    assert error.value.code == "forbidden"


def test_minutes_with_workshop_structure_and_proposal_to_collective_action(network):
    reunion = _reunion(network, 1, theme="Contractualisation")
    services.save_compte_rendu(
        user=network.user("expert"),
        reunion=reunion,
        compte_rendu="Échanges sur le devis.",
        questions=["Comment harmoniser les devis ?"],
        idees=[
            {"texte": "Modèle commun", "occurrences": 4},
            {"texte": "Grille tarifaire", "occurrences": 2},
        ],
        propositions=[
            {
                "texte": "Rédiger un modèle de devis commun",
                "priorite": "haute",
                "faisabilite": "Facile",
                "horizon": "court",
            }
        ],
    )
    assert [(i.texte, i.occurrences) for i in reunion.idees.all()] == [
        ("Modèle commun", 4),
        ("Grille tarifaire", 2),
    ]
    proposition = reunion.propositions.get()
    action = services.convert_proposition(user=network.user("expert"), proposition=proposition)
    assert (action.priorite, action.horizon, action.faisabilite) == ("haute", "court", "Facile")
    with pytest.raises(BusinessError) as error:
        services.convert_proposition(user=network.user("expert"), proposition=proposition)
    assert error.value.code == "already_converted"
    assert SuiviActionCollective.objects.filter(action_collective=action).count() == 1


def test_planning_theme_takes_three_to_four_months(network):
    start = datetime.date(2016, 1, 4)
    with pytest.raises(BusinessError) as error:
        services.plan_theme(
            user=network.user("expert"),
            groupe=network.groupe,
            theme_code="4.1",
            theme_titre="Accueil",
            date_debut=start,
            date_fin=datetime.date(2016, 2, 28),
        )
    assert error.value.code == "planning_duration"
    planned = services.plan_theme(
        user=network.user("expert"),
        groupe=network.groupe,
        theme_code="4.1",
        theme_titre="Accueil",
        date_debut=start,
        date_fin=datetime.date(2016, 4, 30),
    )
    assert planned.pk


def test_ical_export_parses(network, client_for):
    reunion = _reunion(
        network,
        -7,
        theme="Accueil; contact, public",
        ordre_du_jour="1. Tour de table\n2. Livret d'accueil",
    )
    response = client_for(network.user("referent")).get(
        f"/groupes/{network.groupe.pk}/reunions.ics"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "Groupe Test : Accueil; contact, public"
    assert event.decoded("dtstart") == reunion.date.replace(microsecond=0)
    assert str(event["description"]).startswith("1. Tour de table\n")
    assert (
        client_for(network.user("directeur_autre"))
        .get(f"/groupes/{network.groupe.pk}/reunions.ics")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("expert", 200),
        ("pilote", 200),
        ("federation", 200),
        ("referent", 200),
        ("lecteur", 200),
        ("expert_autre", 404),
        ("directeur_autre", 404),
        ("sans_role", 404),
    ],
)
def test_group_page_by_role(network, client_for, role, status):
    _reunion(network, 2)
    assert (
        client_for(network.user(role)).get(f"/groupes/{network.groupe.pk}/").status_code == status
    )


def test_expert_writes_meetings_through_the_pages(network, client_for):
    client = client_for(network.user("expert"))
    response = client.post(
        f"/groupes/{network.groupe.pk}/reunions/",
        {"date": "2026-05-12T14:00", "lieu": "Roubaix", "theme": "Accueil"},
    )
    assert response.status_code == 302
    reunion = ReunionCollective.objects.get(groupe=network.groupe)
    response = client.post(
        f"/groupes/reunions/{reunion.pk}/emargement/", {"structures": [str(network.structure.pk)]}
    )
    assert reunion.emargements.filter(structure=network.structure).exists()
    referent = client_for(network.user("referent"))
    referent.post(f"/groupes/reunions/{reunion.pk}/emargement/", {"structures": []})
    assert reunion.emargements.count() == 1


def _submit_livrable(network, type_livrable):
    connection.set_tenant(network.structure)
    livrable = livrable_services.create_livrable(
        structure=network.structure, user=network.user("referent"), type_livrable=type_livrable
    )
    version = livrable_services.upload_version(
        structure=network.structure,
        user=network.user("referent"),
        livrable=livrable,
        fichier=pdf_file(),
    )
    livrable_services.submit_version(
        structure=network.structure, user=network.user("directeur"), version=version
    )
    connection.set_schema_to_public()
    return version


def test_review_queue_oldest_first_filters_and_bounded_queries(
    network, types_livrable, client_for, django_assert_max_num_queries
):
    from accompagnement.groupes.models import SoumissionLivrable

    for code in ("devis", "livret-accueil", "dipc"):
        _submit_livrable(network, types_livrable[code])
    ids = list(SoumissionLivrable.objects.values_list("pk", flat=True).order_by("pk"))
    SoumissionLivrable.objects.filter(pk=ids[2]).update(
        submitted_at=NOW - datetime.timedelta(days=30)
    )
    queue = list(selectors.review_queue(network.user("expert")))
    assert [q.pk for q in queue] == [ids[2], ids[0], ids[1]]
    assert [q.pk for q in selectors.review_queue(network.user("expert"), type_code="devis")] == [
        ids[0]
    ]
    assert (
        list(selectors.review_queue(network.user("expert"), territoire=network.other_territoire.pk))
        == []
    )
    assert len(list(selectors.review_queue(network.user("expert"), groupe=network.groupe.pk))) == 3
    assert list(selectors.review_queue(network.user("expert_autre"))) == []
    client = client_for(network.user("expert"))
    client.get("/groupes/revue-livrables/?type=devis")
    with CaptureQueriesContext(connection) as one_item:
        client.get("/groupes/revue-livrables/?type=devis")
    with django_assert_max_num_queries(len(one_item.captured_queries)):
        response = client.get("/groupes/revue-livrables/")
    assert len(one_item.captured_queries) <= 40
    assert response.status_code == 200 and response.content.decode().count("/livrables/") >= 3
    assert client_for(network.user("referent")).get("/groupes/revue-livrables/").status_code == 404


def _confirm(structure, version, answers):
    """A confirmed self-diagnosis in ``structure``: {critere: valeur} confirmed by the expert."""
    from accompagnement.diagnostics.models import Autodiagnostic, Confirmation, Reponse

    with schema_context(structure.schema_name):
        autodiagnostic = Autodiagnostic.objects.create(
            version=version, annee=2016, statut="confirme"
        )
        for critere, valeur in answers.items():
            reponse = Reponse.objects.create(
                autodiagnostic=autodiagnostic, critere=critere, valeur=valeur
            )
            Confirmation.objects.create(reponse=reponse, valeur=valeur)


def test_proposals_rank_criteria_most_often_non_conform(network):
    from pathlib import Path

    from referentiels.services import load_sample

    version, _created = load_sample(path=Path("referentiels/data/realisation_prestations.yaml"))
    valeurs = list(version.echelle.valeurs.order_by("-poids"))
    conforme, non_conforme = valeurs[0], next(v for v in valeurs if not v.exclue and v.poids < 1)
    c1, c2, c3 = list(version.criteres.order_by("ordre", "pk")[:3])
    network.other_structure.groupes.add(network.groupe)
    _confirm(network.structure, version, {c1: non_conforme, c2: non_conforme, c3: conforme})
    _confirm(network.other_structure, version, {c1: conforme, c2: non_conforme, c3: conforme})
    proposals = selectors.propose_collective_criteria(network.groupe)
    assert [(p.code, p.count) for p in proposals] == [(c2.code, 2), (c1.code, 1)]
    services.create_action_collective(
        user=network.user("expert"), groupe=network.groupe, titre="x", criteres_codes=[c2.code]
    )
    assert selectors.propose_collective_criteria(network.groupe)[0].deja_couvert is True


@pytest.mark.parametrize(
    "role, attached", [("expert", True), ("directeur", False), ("expert_autre", False)]
)
def test_meeting_attachment_upload_page(network, client_for, role, attached):
    reunion = _reunion(network, 3)
    response = client_for(network.user(role)).post(
        f"/groupes/reunions/{reunion.pk}/pieces/", {"fichier": pdf_file("ordre-du-jour.pdf")}
    )
    assert response.status_code == (302 if attached else 404)  # non-leaders: not found
    assert reunion.pieces_jointes.filter(nom_original="ordre-du-jour.pdf").exists() is attached
    if attached:
        piece = reunion.pieces_jointes.get()
        download = client_for(network.user("directeur")).get(f"/groupes/pieces/{piece.pk}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
        piece.fichier.delete(save=False)


def test_meeting_attachment_refuses_a_disguised_file(network, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reunion = _reunion(network, 3)
    client = client_for(network.user("expert"))
    response = client.post(
        f"/groupes/reunions/{reunion.pk}/pieces/",
        {"fichier": SimpleUploadedFile("script.pdf", b"#!/bin/sh\necho hi\n")},
        follow=True,
    )
    assert response.status_code == 200
    assert not reunion.pieces_jointes.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])
