"""Managing by quality (seed 001): steering committee, document control, evaluation of
practices — pages and API for every role, another structure's people get nothing, and
the services' rules (pseudonymous files, all-or-nothing audits, idempotent actions and
reminders)."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from accompagnement.plans.models import Action
from accompagnement.qualite import selectors, services
from accompagnement.qualite.models import (
    AuditDossier,
    DocumentQualite,
    EvaluationPratique,
    MembreComite,
    ResultatCritere,
    VersionDocument,
)
from core.errors import BusinessError

BASE = "/s/alpha/qualite"
API = "/s/alpha/api/v1"
TODAY = timezone.localdate()
READERS = ["directeur", "referent", "contributeur", "lecteur", "expert", "pilote", "federation"]
OUTSIDERS = ["directeur_autre", "expert_autre", "pilote_autre", "sans_role"]


def _document(network, **overrides) -> DocumentQualite:
    fields = {
        "reference": "PR-001",
        "titre": "Accueil d'un nouveau bénéficiaire",
        "type": DocumentQualite.Type.PROCEDURE,
        "version": "1",
        "date_validation": TODAY - datetime.timedelta(days=300),
        "date_revision": TODAY + datetime.timedelta(days=60),
        "proprietaire": network.user("referent"),
    }
    fields.update(overrides)
    return services.create_document(
        structure=network.structure, user=network.user("directeur"), **fields
    )


def _evaluation(network, *, dossiers=4, seuil=0.8) -> EvaluationPratique:
    return services.create_evaluation(
        structure=network.structure,
        user=network.user("referent"),
        titre="Projet personnalisé 2026",
        thematique=EvaluationPratique.Thematique.PROJET_PERSONNALISE,
        dossiers_prevus=dossiers,
        debut=TODAY,
        seuil=seuil,
        criteres=[
            "Le projet est signé par la personne",
            "Le projet a moins d'un an",
            "Les objectifs sont datés",
        ],
    )


def _answers(evaluation, values) -> dict[int, str]:
    return {c.pk: value for c, value in zip(evaluation.criteres.all(), values, strict=True)}


# --- Pages: every role reads, another structure's people get 404 -----------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_role_of_the_structure_reads_the_quality_pages(
    network, client_for, in_structure, role
):
    document = _document(network)
    evaluation = _evaluation(network)
    reunion = services.save_committee_meeting(
        structure=network.structure, user=network.user("directeur"), date=timezone.now()
    )
    client = client_for(network.user(role))
    for path in (
        "/",
        "/comite/",
        f"/comite/reunions/{reunion.pk}/",
        "/documents/",
        f"/documents/{document.pk}/",
        "/evaluations/",
        f"/evaluations/{evaluation.pk}/",
    ):
        response = client.get(BASE + path)
        assert response.status_code == 200, path
    page = client.get(f"{BASE}/documents/").content.decode()
    assert "PR-001" in page and "Procédure" in page and "procedure" not in page.split("<main")[-1]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_people_of_another_structure_get_404(
    network, client_for, api_client_for, in_structure, role
):
    document = _document(network)
    client = client_for(network.user(role))
    for path in ("/", "/comite/", "/documents/", f"/documents/{document.pk}/", "/evaluations/"):
        assert client.get(BASE + path).status_code == 404, path
    assert api_client_for(network.user(role)).get(f"{API}/documents-qualite/").status_code in (
        401,
        404,
    )


@pytest.mark.parametrize("role", ["lecteur", "expert", "pilote", "federation"])
def test_readers_cannot_write(network, client_for, in_structure, role):
    document = _document(network)
    evaluation = _evaluation(network)
    client = client_for(network.user(role))
    assert client.get(f"{BASE}/documents/nouveau/").status_code == 403
    assert client.post(f"{BASE}/documents/{document.pk}/archiver/").status_code == 403
    assert (
        client.post(f"{BASE}/evaluations/{evaluation.pk}/", {"reference": "D-1"}).status_code == 403
    )
    assert (
        client.post(f"{BASE}/comite/reunions/nouvelle/", {"date": "2026-01-01T10:00"}).status_code
        == 403
    )
    document.refresh_from_db()
    assert not document.archive


def test_contributor_audits_files_but_does_not_manage(network, client_for, in_structure):
    evaluation = _evaluation(network)
    client = client_for(network.user("contributeur"))
    data = {"reference": "D-01", "audite_le": TODAY.isoformat()}
    data.update({f"critere_{c.pk}": "oui" for c in evaluation.criteres.all()})
    response = client.post(f"{BASE}/evaluations/{evaluation.pk}/", data)
    assert response.status_code == 302
    assert AuditDossier.objects.filter(evaluation=evaluation, reference="D-01").exists()
    assert client.get(f"{BASE}/evaluations/nouvelle/").status_code == 403


# --- Steering committee ----------------------------------------------------------------------


def test_committee_members_are_the_structures_staff(network, in_structure):
    services.add_committee_member(
        structure=network.structure,
        user=network.user("directeur"),
        member=network.user("referent"),
        fonction="Référente qualité",
    )
    with pytest.raises(BusinessError) as error:
        services.add_committee_member(
            structure=network.structure,
            user=network.user("directeur"),
            member=network.user("directeur_autre"),
            fonction="Intrus",
        )
    assert error.value.code == "not_staff"
    with pytest.raises(BusinessError) as error:
        services.add_committee_member(
            structure=network.structure,
            user=network.user("directeur"),
            member=network.user("referent"),
            fonction="Deux fois",
        )
    assert error.value.code == "duplicate"
    assert MembreComite.objects.count() == 1


def test_meeting_minutes_and_a_decision_that_becomes_an_action(network, client_for, in_structure):
    client = client_for(network.user("directeur"))
    services.add_committee_member(
        structure=network.structure,
        user=network.user("directeur"),
        member=network.user("referent"),
        fonction="Référente qualité",
    )
    membre = MembreComite.objects.get()
    response = client.post(
        f"{BASE}/comite/reunions/nouvelle/",
        {
            "date": "2026-11-20T14:30",
            "ordre_du_jour": "Suivi du plan",
            "compte_rendu": "Revue des actions en retard.",
            "presents": [membre.pk],
        },
    )
    assert response.status_code == 302
    reunion = selectors.committee_meetings().get()
    response = client.post(
        f"{BASE}/comite/reunions/{reunion.pk}/decisions/",
        {
            "texte": "Réviser la procédure d'accueil",
            "create_action": "on",
            "responsable": network.user("referent").pk,
            "echeance": "2027-01-31",
            "dimension": Action.Dimension.STRUCTURELLE,
        },
    )
    assert response.status_code == 302
    decision = reunion.decisions.get()
    assert decision.action.titre == "Réviser la procédure d'accueil"
    assert decision.action.responsable == network.user("referent")
    assert decision.action.origine_ref == {"decision_comite": decision.pk}
    page = client_for(network.user("lecteur")).get(f"{BASE}/comite/reunions/{reunion.pk}/")
    body = page.content.decode()
    assert "Réviser la procédure d&#x27;accueil" in body and "Revue des actions en retard." in body


def test_a_decision_without_text_is_refused_and_nothing_is_written(
    network, client_for, in_structure
):
    reunion = services.save_committee_meeting(
        structure=network.structure, user=network.user("directeur"), date=timezone.now()
    )
    response = client_for(network.user("directeur")).post(
        f"{BASE}/comite/reunions/{reunion.pk}/decisions/", {"texte": "  ", "create_action": "on"}
    )
    assert response.status_code == 400
    assert "obligatoire" in response.content.decode()
    assert not reunion.decisions.exists() and not Action.objects.exists()


# --- Document control ------------------------------------------------------------------------


def test_versions_are_kept_and_the_new_one_is_in_force(network, client_for, in_structure):
    document = _document(network)
    response = client_for(network.user("referent")).post(
        f"{BASE}/documents/{document.pk}/",
        {
            "version": "2",
            "date_validation": TODAY.isoformat(),
            "date_revision": (TODAY + datetime.timedelta(days=365)).isoformat(),
            "modifications": "Nouvelle fiche d'accueil",
            "fichier": SimpleUploadedFile("pr-001.pdf", b"%PDF-1.4 v2", "application/pdf"),
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.version == "2"
    assert list(document.versions.values_list("version", flat=True)) == ["2", "1"]
    version = document.versions.get(version="2")
    download = client_for(network.user("lecteur")).get(
        f"{BASE}/documents/versions/{version.pk}/fichier/"
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 v2"
    with pytest.raises(BusinessError) as error:
        services.publish_document_version(
            structure=network.structure,
            user=network.user("directeur"),
            document=document,
            version="2",
            date_validation=TODAY,
            date_revision=TODAY + datetime.timedelta(days=1),
        )
    assert error.value.code == "duplicate"
    assert VersionDocument.objects.filter(document=document).count() == 2


def test_review_date_must_follow_validation(network, in_structure):
    with pytest.raises(BusinessError) as error:
        _document(network, date_revision=TODAY - datetime.timedelta(days=400))
    assert error.value.field == "date_revision"
    assert not DocumentQualite.objects.exists()


def test_review_reminder_sent_once_per_review_date(
    network, settings, in_structure, django_capture_on_commit_callbacks, mailoutbox
):
    settings.DOCUMENT_REVISION_RAPPEL_JOURS = 30
    due = _document(network, date_revision=TODAY + datetime.timedelta(days=10))
    _document(network, reference="PR-002", date_revision=TODAY + datetime.timedelta(days=90))
    _document(
        network,
        reference="PR-003",
        date_revision=TODAY + datetime.timedelta(days=5),
    ).__class__.objects.filter(reference="PR-003").update(archive=True)
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.remind_document_reviews(structure=network.structure, today=TODAY)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [network.user("referent").email]
    assert "PR-001" in mailoutbox[0].subject
    services.update_document(
        structure=network.structure,
        user=network.user("directeur"),
        document=due,
        date_revision=TODAY + datetime.timedelta(days=20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.remind_document_reviews(structure=network.structure, today=TODAY)
    assert len(mailoutbox) == 2


def test_home_lists_documents_to_review_for_managers_only(
    network, client_for, settings, in_structure
):
    settings.DOCUMENT_REVISION_RAPPEL_JOURS = 30
    _document(network, date_revision=TODAY + datetime.timedelta(days=3))
    home = client_for(network.user("directeur")).get("/s/alpha/").content.decode()
    assert "1 document qualité à réviser" in home
    assert f"{BASE}/documents/" in home
    reader_home = client_for(network.user("lecteur")).get("/s/alpha/").content.decode()
    assert "document qualité à réviser" not in reader_home


# --- Evaluation of practices -----------------------------------------------------------------


def test_rates_match_an_independent_count(network, in_structure):
    rng = random.Random(7)
    evaluation = _evaluation(network, dossiers=12)
    answers = []
    for number in range(12):
        values = [rng.choice(["oui", "non", "na"]) for _ in range(3)]
        answers.append(values)
        services.record_audit(
            structure=network.structure,
            user=network.user("contributeur"),
            evaluation=evaluation,
            reference=f"D-{number:02}",
            audite_le=TODAY,
            reponses=_answers(evaluation, values),
        )
    results = selectors.evaluation_results(evaluation)
    for index, row in enumerate(results.criteres):
        column = [values[index] for values in answers]
        yes, no = column.count("oui"), column.count("non")
        assert (row.conformes, row.non_conformes, row.non_applicables) == (
            yes,
            no,
            column.count("na"),
        )
        assert row.taux == (yes / (yes + no) if yes + no else None)
    flat = [value for values in answers for value in values]
    assert results.taux == flat.count("oui") / (flat.count("oui") + flat.count("non"))
    assert results.audits == 12


@pytest.mark.parametrize("reference", ["Mme Dupont", "", "D 07", "x" * 31])
def test_audited_files_are_named_by_a_code_never_a_name(network, in_structure, reference):
    evaluation = _evaluation(network)
    with pytest.raises(BusinessError) as error:
        services.record_audit(
            structure=network.structure,
            user=network.user("referent"),
            evaluation=evaluation,
            reference=reference,
            audite_le=TODAY,
            reponses=_answers(evaluation, ["oui", "oui", "oui"]),
        )
    assert error.value.field == "reference"
    assert not AuditDossier.objects.exists()


def test_an_audit_is_all_or_nothing_and_bounded_by_the_planned_files(network, in_structure):
    evaluation = _evaluation(network, dossiers=1)
    reponses = _answers(evaluation, ["oui", "non", "oui"])
    reponses.pop(next(iter(reponses)))
    with pytest.raises(BusinessError) as error:
        services.record_audit(
            structure=network.structure,
            user=network.user("referent"),
            evaluation=evaluation,
            reference="D-01",
            audite_le=TODAY,
            reponses=reponses,
        )
    assert error.value.code == "incomplete"
    assert not AuditDossier.objects.exists() and not ResultatCritere.objects.exists()
    services.record_audit(
        structure=network.structure,
        user=network.user("referent"),
        evaluation=evaluation,
        reference="D-01",
        audite_le=TODAY,
        reponses=_answers(evaluation, ["oui", "non", "oui"]),
    )
    with pytest.raises(BusinessError) as error:
        services.record_audit(
            structure=network.structure,
            user=network.user("referent"),
            evaluation=evaluation,
            reference="D-02",
            audite_le=TODAY,
            reponses=_answers(evaluation, ["oui", "oui", "oui"]),
        )
    assert error.value.code == "audit_full"


def test_closing_turns_each_gap_into_one_action(network, client_for, in_structure):
    evaluation = _evaluation(network, dossiers=4, seuil=0.75)
    # criterion 1: 4/4; criterion 2: 1/4; criterion 3: 3/4 (= threshold, not under it)
    for number, values in enumerate(
        [["oui", "oui", "oui"], ["oui", "non", "oui"], ["oui", "non", "non"], ["oui", "non", "oui"]]
    ):
        services.record_audit(
            structure=network.structure,
            user=network.user("referent"),
            evaluation=evaluation,
            reference=f"D-{number}",
            audite_le=TODAY,
            reponses=_answers(evaluation, values),
        )
    client = client_for(network.user("directeur"))
    response = client.post(f"{BASE}/evaluations/{evaluation.pk}/cloturer/", follow=True)
    assert "1 action ajoutée au plan" in response.content.decode()
    action = Action.objects.get()
    assert "Le projet a moins d'un an" in action.titre
    assert "25 % des dossiers conformes" in action.description
    client.post(f"{BASE}/evaluations/{evaluation.pk}/cloturer/")
    assert Action.objects.count() == 1
    evaluation.refresh_from_db()
    assert evaluation.terminee_le == TODAY
    with pytest.raises(BusinessError) as error:
        services.record_audit(
            structure=network.structure,
            user=network.user("referent"),
            evaluation=evaluation,
            reference="D-9",
            audite_le=TODAY,
            reponses=_answers(evaluation, ["oui", "oui", "oui"]),
        )
    assert error.value.code == "evaluation_closed"


def test_evaluation_page_query_count_does_not_grow_with_files(
    network, client_for, in_structure, django_assert_max_num_queries
):
    evaluation = _evaluation(network, dossiers=30)
    for number in range(30):
        services.record_audit(
            structure=network.structure,
            user=network.user("referent"),
            evaluation=evaluation,
            reference=f"D-{number}",
            audite_le=TODAY,
            reponses=_answers(evaluation, ["oui", "non", "na"]),
        )
    client = client_for(network.user("referent"))
    client.get(f"{BASE}/evaluations/{evaluation.pk}/")  # warm the per-process caches
    with django_assert_max_num_queries(15):
        assert client.get(f"{BASE}/evaluations/{evaluation.pk}/").status_code == 200


# --- API -------------------------------------------------------------------------------------


def test_the_whole_cycle_through_the_api(network, api_client_for, in_structure):
    referent = api_client_for(network.user("referent"))
    response = referent.post(
        f"{API}/membres-comite/",
        {"user": network.user("directeur").pk, "fonction": "Directeur"},
        format="json",
    )
    assert response.status_code == 201, response.content
    response = referent.post(
        f"{API}/reunions-comite/",
        {
            "date": "2026-11-20T14:30:00+01:00",
            "compte_rendu": "CR",
            "presents": [response.json()["id"]],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    reunion = response.json()["id"]
    response = referent.post(
        f"{API}/reunions-comite/{reunion}/decisions/",
        {"texte": "Former l'équipe", "create_action": True},
        format="json",
    )
    assert response.status_code == 201 and response.json()["action"]
    response = referent.post(
        f"{API}/documents-qualite/",
        {
            "reference": "PR-010",
            "titre": "Hygiène des mains",
            "type": "protocole",
            "version": "1",
            "date_validation": "2026-01-10",
            "date_revision": "2027-01-10",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    document = response.json()["id"]
    response = referent.post(
        f"{API}/documents-qualite/{document}/versions/",
        {"version": "2", "date_validation": "2026-06-01", "date_revision": "2027-06-01"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["version"] == "2" and len(response.json()["versions"]) == 2
    response = referent.post(
        f"{API}/evaluations-pratiques/",
        {
            "titre": "Circuit du médicament",
            "thematique": "circuit_medicament",
            "dossiers_prevus": 2,
            "seuil": "0.80",
            "debut": "2026-11-01",
            "libelles_criteres": ["Ordonnance au dossier", "Traçabilité de l'aide à la prise"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    evaluation = response.json()
    criteres = [c["id"] for c in evaluation["criteres"]]
    for number, values in enumerate([("oui", "non"), ("oui", "non")]):
        response = referent.post(
            f"{API}/evaluations-pratiques/{evaluation['id']}/audits/",
            {
                "reference": f"D-{number}",
                "audite_le": "2026-11-15",
                "reponses": [
                    {"critere": c, "reponse": v} for c, v in zip(criteres, values, strict=True)
                ],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
    results = referent.get(f"{API}/evaluations-pratiques/{evaluation['id']}/resultats/").json()
    assert results["taux"] == 0.5
    assert [row["taux"] for row in results["criteres"]] == [1.0, 0.0]
    response = referent.post(f"{API}/evaluations-pratiques/{evaluation['id']}/cloturer/")
    assert response.status_code == 200 and len(response.json()["actions"]) == 1


def test_api_refuses_readers_and_hides_people_of_other_structures(
    network, api_client_for, in_structure
):
    response = api_client_for(network.user("lecteur")).post(
        f"{API}/documents-qualite/",
        {
            "reference": "PR-1",
            "titre": "T",
            "type": "procedure",
            "version": "1",
            "date_validation": "2026-01-01",
            "date_revision": "2027-01-01",
        },
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "forbidden"
    referent = api_client_for(network.user("referent"))
    stranger = referent.post(
        f"{API}/membres-comite/",
        {"user": network.user("directeur_autre").pk, "fonction": "X"},
        format="json",
    )
    missing = referent.post(
        f"{API}/membres-comite/", {"user": 999999999, "fonction": "X"}, format="json"
    )
    assert stranger.status_code == missing.status_code == 400
    assert stranger.json()["errors"][0]["code"] == missing.json()["errors"][0]["code"]
    assert not MembreComite.objects.exists()
    connection.set_schema_to_public()
