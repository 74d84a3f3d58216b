"""A director's request to export or erase the structure's data: the director asks, the
federation admin approves (the operation runs as a job) or refuses with a reason."""

from __future__ import annotations

import zipfile

import pytest

from core.models import Job
from tenants import privacy_services
from tenants.models import DemandeDonnees, Structure

PAGE = "/s/alpha/donnees/"
QUEUE = "/rgpd/demandes/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _ask(client, type_="export", motif="Audit annuel de nos données"):
    return client.post(PAGE, {"type": type_, "motif": motif})


def test_director_asks_federation_approves_and_the_director_downloads_the_export(
    network, client_for, django_capture_on_commit_callbacks
):
    director = client_for(network.user("directeur"))
    assert _ask(director).status_code == 302
    demande = DemandeDonnees.objects.get()
    assert demande.statut == "demandee" and demande.demandee_par == network.user("directeur")

    federation = client_for(network.user("federation"))
    home = federation.get("/").content.decode()
    assert "1 demande sur les données à traiter" in home
    assert "Structure Alpha" in federation.get(QUEUE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = federation.post(QUEUE, {"demande": demande.pk, "decision": "approve"})
    assert response.status_code == 302
    demande.refresh_from_db()
    assert demande.statut == "faite"
    assert demande.decidee_par == network.user("federation") and demande.faite_le
    assert Job.objects.get(key=f"demande-donnees:{demande.pk}").etat == "fait"
    assert list(demande.transitions.values_list("to_statut", flat=True)) == [
        "demandee",
        "approuvee",
        "faite",
    ]

    page = director.get(PAGE).content.decode()
    assert "Faite" in page and "Télécharger l'export" in page
    response = director.get(f"{PAGE}{demande.pk}/archive/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    archive = b"".join(response.streaming_content)
    path = privacy_services.exports_dir(network.structure) / f"demande-{demande.pk}.zip"
    assert archive == path.read_bytes()
    with zipfile.ZipFile(path) as opened:
        assert "manifest.json" in opened.namelist()


def test_refusal_needs_a_reason_and_is_shown_to_the_director(network, client_for):
    _ask(client_for(network.user("directeur")), "effacement", "Nous quittons le programme")
    demande = DemandeDonnees.objects.get()
    federation = client_for(network.user("federation"))
    federation.post(QUEUE, {"demande": demande.pk, "decision": "refuse", "commentaire": " "})
    demande.refresh_from_db()
    assert demande.statut == "demandee"
    federation.post(
        QUEUE,
        {"demande": demande.pk, "decision": "refuse", "commentaire": "Contrat en cours"},
    )
    demande.refresh_from_db()
    assert demande.statut == "refusee" and demande.commentaire == "Contrat en cours"
    assert "Contrat en cours" in client_for(network.user("directeur")).get(PAGE).content.decode()
    assert Structure.objects.get(pk=network.structure.pk).deleted_at is None


def test_approved_erasure_takes_the_structure_out_once(
    network, client_for, django_capture_on_commit_callbacks
):
    _ask(client_for(network.user("directeur")), "effacement", "Fermeture du service")
    demande = DemandeDonnees.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.decide_data_request(
            demande=demande, user=network.user("federation"), approve=True
        )
    deleted_at = Structure.objects.get(pk=network.structure.pk).deleted_at
    assert deleted_at is not None
    job = Job.objects.get(key=f"demande-donnees:{demande.pk}")
    assert privacy_services.run_data_request_job(job, None) == {"statut": "faite"}
    assert Structure.objects.get(pk=network.structure.pk).deleted_at == deleted_at


def test_one_request_of_a_kind_at_a_time_with_a_clear_message(network, client_for):
    director = client_for(network.user("directeur"))
    _ask(director)
    response = _ask(director)
    assert response.status_code == 400
    assert "déjà en cours" in response.content.decode()
    missing = _ask(director, "effacement", "  ")
    assert missing.status_code == 400 and "motif" in missing.content.decode()
    assert DemandeDonnees.objects.count() == 1


@pytest.mark.parametrize("role", ["referent", "contributeur", "lecteur", "expert", "pilote"])
def test_only_the_director_asks(network, client_for, role):
    client = client_for(network.user(role))
    assert _ask(client).status_code == 403
    assert not DemandeDonnees.objects.exists()


@pytest.mark.parametrize("role", ["directeur_autre", "expert_autre", "sans_role"])
def test_people_of_another_structure_get_404(network, client_for, role):
    client = client_for(network.user(role))
    assert client.get(PAGE).status_code == 404
    assert _ask(client).status_code == 404


@pytest.mark.parametrize("role", ["directeur", "referent", "pilote", "expert", "sans_role"])
def test_only_the_federation_admin_decides(network, client_for, role):
    _ask(client_for(network.user("directeur")))
    demande = DemandeDonnees.objects.get()
    client = client_for(network.user(role))
    assert client.get(QUEUE).status_code == 403
    assert client.post(QUEUE, {"demande": demande.pk, "decision": "approve"}).status_code == 403
    demande.refresh_from_db()
    assert demande.statut == "demandee"


def test_archive_is_not_served_before_the_export_nor_to_readers(network, client_for):
    _ask(client_for(network.user("directeur")))
    demande = DemandeDonnees.objects.get()
    assert (
        client_for(network.user("directeur")).get(f"{PAGE}{demande.pk}/archive/").status_code == 404
    )
    assert (
        client_for(network.user("lecteur")).get(f"{PAGE}{demande.pk}/archive/").status_code == 403
    )
