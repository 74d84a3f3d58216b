"""The structure's review: pre-filled figures against an independent calculation,
submission into the immutable snapshot store."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from accompagnement.bilans import selectors, services
from accompagnement.registres.models import EnqueteSatisfaction, NombreClients, Reclamation
from accompagnement.reporting.models import InstantaneBilan
from core.errors import BusinessError
from tests.bilans.conftest import write_autodiagnostic


def _registers_2016():
    # 60 clients; 5 complaints by 3 distinct clients (C-1 three times); 1 complaint in 2015
    NombreClients.objects.create(annee=2016, nombre=60)
    for day, forme, ref in [
        (1, "orale", "C-1"),
        (2, "ecrite", "C-1"),
        (3, "orale", "C-1"),
        (4, "ecrite", "C-2"),
        (5, "orale", "C-3"),
    ]:
        Reclamation.objects.create(
            date=datetime.date(2016, 2, day), forme=forme, client_reference=ref, description="d"
        )
    Reclamation.objects.create(
        date=datetime.date(2015, 2, 1), forme="orale", client_reference="C-9", description="d"
    )
    EnqueteSatisfaction.objects.create(
        periode="S1",
        annee=2016,
        repondants=40,
        tres_satisfaits=10,
        satisfaits=20,
        peu_satisfaits=6,
        pas_satisfaits=2,
    )
    EnqueteSatisfaction.objects.create(
        periode="S2",
        annee=2016,
        repondants=20,
        tres_satisfaits=5,
        satisfaits=5,
        peu_satisfaits=5,
        pas_satisfaits=5,
    )


def test_prefilled_figures_match_an_independent_calculation(network, in_structure, frame, campagne):
    _registers_2016()
    write_autodiagnostic(
        network,
        frame,
        {"4.2.1": "C", "4.2.9": "C", "4.2.5": "PC", "4.3.1": "C", "4.3.2": "NA", "4.3.7": "NC"},
        {"4.2.1": "C", "4.2.9": "NC", "4.3.1": "C"},
    )
    figures = selectors.review_figures(in_structure, campagne)
    year = figures["annees"]["2016"]
    assert (
        year["reclamations_orales"] == 3
        and year["reclamations_ecrites"] == 2
        and year["reclamations"] == 5
    )
    assert year["taux_mecontents"] == pytest.approx(3 / 60)
    assert year["taux_satisfaits"] == pytest.approx((10 + 20 + 5 + 5) / (38 + 20))
    assert figures["annees"]["2015"]["reclamations"] == 1
    # declared: scored = 4.2.1 1, 4.2.9 1, 4.2.5 .5, 4.3.1 1, 4.3.7 0 (4.3.2 excluded)
    assert year["taux_declare"] == pytest.approx(3.5 / 5)
    # confirmed: 4.2.1 1, 4.2.9 0, 4.3.1 1 (others not confirmed)
    assert year["taux_confirme"] == pytest.approx(2 / 3)
    diagnostic = figures["diagnostic"]
    assert diagnostic["themes"]["4.2"]["declare"] == pytest.approx(2.5 / 3)
    assert diagnostic["niveaux"]["1"]["tous_satisfaits_declare"] is True
    assert diagnostic["niveaux"]["1"]["tous_satisfaits_confirme"] is False  # 4.2.9 confirmed NC
    assert diagnostic["criteres_cibles"]["4.2.9"] is False  # confirmed value wins
    assert diagnostic["criteres_cibles"]["4.3.2"] is None  # excluded
    assert diagnostic["criteres_cibles"]["4.3.7"] is False


def test_action_plan_and_validated_deliverables_are_prefilled(network, in_structure, campagne):
    from accompagnement.groupes.models import TypeLivrable
    from accompagnement.livrables.models import Livrable, LivrableVersion
    from accompagnement.plans.models import Action, PlanAction

    plan = PlanAction.objects.create(titre="Plan")
    for titre, statut in [
        ("Livret", "fait"),
        ("Devis", "en_cours"),
        ("Vieux", "abandonne"),
        ("Contrat", "fait"),
    ]:
        Action.objects.create(plan=plan, titre=titre, statut=statut)
    type_livrable = TypeLivrable.objects.create(
        code="livret-test", libelle="Livret d'accueil", critere_code="4.2.9"
    )
    livrable = Livrable.objects.create(type_livrable=type_livrable, titre="Notre livret")
    LivrableVersion.objects.create(
        livrable=livrable, numero=1, fichier="x.pdf", nom_original="x.pdf", statut="valide"
    )
    LivrableVersion.objects.create(
        livrable=livrable, numero=2, fichier="y.pdf", nom_original="y.pdf", statut="soumis"
    )
    brouillon = Livrable.objects.create(type_livrable=type_livrable, titre="Brouillon")
    LivrableVersion.objects.create(
        livrable=brouillon, numero=1, fichier="z.pdf", nom_original="z.pdf"
    )
    figures = selectors.review_figures(in_structure, campagne)
    assert figures["taux_plan_actions"] == pytest.approx(2 / 3)
    assert figures["actions_faites"] == ["Contrat", "Livret"]
    assert [tool["titre"] for tool in figures["outils_finalises"]] == ["Notre livret"]
    bilan = services.open_bilan(
        structure=network.structure, campagne=campagne, user=network.user("referent")
    )
    assert "Notre livret" in bilan.outils_finalises
    assert "4.2 : Notre livret" in bilan.livrables_par_theme


def test_submitting_writes_an_immutable_snapshot(network, in_structure, frame, campagne):
    _registers_2016()
    write_autodiagnostic(network, frame, dict.fromkeys(frame.criteres, "C"))
    bilan = services.open_bilan(
        structure=network.structure, campagne=campagne, user=network.user("contributeur")
    )
    services.update_bilan(
        structure=network.structure,
        bilan=bilan,
        user=network.user("contributeur"),
        data={"remarques": "RAS"},
    )
    services.submit_bilan(structure=network.structure, bilan=bilan, user=network.user("referent"))
    snapshot = InstantaneBilan.objects.get(campagne=campagne, structure=in_structure)
    assert (
        snapshot.taux_declare == 1.0
        and snapshot.tous_niveau1 is True
        and snapshot.tous_niveau2 is True
    )
    assert snapshot.reclamations == 5
    assert snapshot.taux_mecontents == pytest.approx(3 / 60)
    assert snapshot.contenu["remarques"] == "RAS"
    assert snapshot.territoire_id == network.territoire.pk
    assert snapshot.groupe_ids == [network.groupe.pk]
    assert bilan.transitions.get().to_statut == "soumis"

    snapshot.taux_declare = 0
    with pytest.raises(BusinessError):
        snapshot.save()
    with pytest.raises(BusinessError):
        snapshot.delete()
    with pytest.raises(BusinessError):
        InstantaneBilan.objects.filter(pk=snapshot.pk).update(taux_declare=0)
    with pytest.raises(BusinessError):
        InstantaneBilan.objects.filter(pk=snapshot.pk).delete()
    with pytest.raises(BusinessError) as error:
        services.update_bilan(
            structure=network.structure,
            bilan=bilan,
            user=network.user("referent"),
            data={"remarques": "changé"},
        )
    assert error.value.code == "immutable"
    with pytest.raises(BusinessError) as error:
        services.submit_bilan(
            structure=network.structure, bilan=bilan, user=network.user("referent")
        )
    assert error.value.code == "already_submitted"
    assert InstantaneBilan.objects.get(pk=snapshot.pk).taux_declare == 1.0


def test_later_register_changes_do_not_alter_the_snapshot(network, in_structure, campagne):
    _registers_2016()
    bilan = services.open_bilan(
        structure=network.structure, campagne=campagne, user=network.user("referent")
    )
    services.submit_bilan(structure=network.structure, bilan=bilan, user=network.user("referent"))
    Reclamation.objects.create(
        date=datetime.date(2016, 5, 1), forme="orale", client_reference="C-77", description="d"
    )
    assert InstantaneBilan.objects.get(structure=in_structure).reclamations == 5


@pytest.mark.parametrize("role", ["contributeur", "lecteur"])
def test_only_directors_and_referents_submit(network, in_structure, campagne, role):
    bilan = services.open_bilan(
        structure=network.structure, campagne=campagne, user=network.user("referent")
    )
    with pytest.raises(BusinessError):
        services.submit_bilan(structure=network.structure, bilan=bilan, user=network.user(role))
    assert not InstantaneBilan.objects.exists()


def test_the_review_services_refuse_a_structure_other_than_the_schemas(
    network, in_structure, campagne
):
    """Each service takes the structure; given another one than the schema it runs in
    (its rights would be checked on the wrong structure), it refuses before any write."""
    referent = network.user("referent")
    with pytest.raises(RuntimeError, match="open_bilan"):
        services.open_bilan(structure=network.other_structure, campagne=campagne, user=referent)
    bilan = services.open_bilan(structure=network.structure, campagne=campagne, user=referent)
    with pytest.raises(RuntimeError, match="update_bilan"):
        services.update_bilan(
            structure=network.other_structure, bilan=bilan, user=referent, data={"lieu": "x"}
        )
    with pytest.raises(RuntimeError, match="submit_bilan"):
        services.submit_bilan(structure=network.other_structure, bilan=bilan, user=referent)
    bilan.refresh_from_db()
    assert bilan.lieu != "x" and not bilan.is_submitted
    assert not InstantaneBilan.objects.exists()


def test_a_campaign_of_another_territory_cannot_be_opened(network, in_structure, campagne):
    from accompagnement.reporting.models import Campagne

    other = Campagne.objects.create(
        libelle="S2 2016 autre",
        semestre=2,
        annee=2016,
        echeance=campagne.echeance,
        territoire=network.other_territoire,
    )
    with pytest.raises(BusinessError):
        services.open_bilan(
            structure=network.structure, campagne=other, user=network.user("referent")
        )


def test_review_api_opens_edits_submits(network, api_client_for, in_structure, campagne):
    client = api_client_for(network.user("referent"))
    opened = client.post("/s/alpha/api/v1/bilans/", {"campagne": campagne.pk}, format="json")
    assert opened.status_code == 201, opened.content
    url = f"/s/alpha/api/v1/bilans/{opened.json()['id']}/"
    assert client.patch(url, {"difficultes_interne": "Temps"}, format="json").status_code == 200
    assert (
        api_client_for(network.user("lecteur"))
        .post(f"{url}soumettre/", {}, format="json")
        .status_code
        == 403
    )
    assert client.post(f"{url}soumettre/", {}, format="json").status_code == 200
    assert client.patch(url, {"remarques": "x"}, format="json").status_code == 409
    figures = client.get(f"{url}indicateurs/").json()
    assert figures["comparaison"]["indicateurs"][0]["mediane_reseau"] is None  # one structure only
    connection.set_schema_to_public()
    assert api_client_for(network.user("directeur_autre")).get(url).status_code == 404
