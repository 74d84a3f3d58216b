"""Quality registers: pages, permissions, XLSX import/export, API."""

from __future__ import annotations

import datetime
import logging
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from accompagnement.registres.models import EnqueteSatisfaction, Reclamation
from accompagnement.registres.registry import REGISTRES
from accompagnement.registres.services import import_register, save_register_entry
from core.errors import BusinessError

BASE = "/s/alpha/registres"
API = "/s/alpha/api/v1/registres"


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = [
    "Date",
    "Forme",
    "Référence client",
    "Catégorie",
    "Description",
    "Traitement",
    "Date de réponse",
    "Clôturée",
]


@pytest.mark.parametrize(
    "role", ["directeur", "referent", "contributeur", "lecteur", "expert", "pilote", "federation"]
)
def test_every_role_of_the_structure_reads_the_registers(network, client_for, role):
    for slug in REGISTRES:
        assert client_for(network.user(role)).get(f"{BASE}/{slug}/").status_code == 200


@pytest.mark.parametrize("role", ["directeur_autre", "expert_autre", "pilote_autre", "sans_role"])
def test_people_of_another_structure_get_404(network, client_for, role):
    client = client_for(network.user(role))
    assert client.get(f"{BASE}/reclamations/").status_code == 404
    assert client.get(f"{API}/reclamations/").status_code in (401, 404)


def test_reader_cannot_write(network, client_for, api_client_for, in_structure):
    client = client_for(network.user("lecteur"))
    assert client.get(f"{BASE}/reclamations/nouveau/").status_code == 403
    response = api_client_for(network.user("lecteur")).post(
        f"{API}/clients/", {"annee": 2016, "nombre": 10}
    )
    assert response.status_code == 403


def test_contributor_records_a_complaint_through_the_page(network, client_for, in_structure):
    response = client_for(network.user("contributeur")).post(
        f"{BASE}/reclamations/nouveau/",
        {
            "date": "2016-03-01",
            "forme": "orale",
            "client_reference": "C-0042",
            "categorie": "planning",
            "description": "Retard",
            "traitement": "",
            "date_reponse": "",
            "cloturee": "",
        },
    )
    assert response.status_code == 302
    assert Reclamation.objects.get().client_reference == "C-0042"


def test_a_client_name_is_refused_as_reference(network, client_for, in_structure):
    response = client_for(network.user("referent")).post(
        f"{BASE}/reclamations/nouveau/",
        {
            "date": "2016-03-01",
            "forme": "orale",
            "client_reference": "Mme Dupont",
            "categorie": "autre",
            "description": "x",
        },
    )
    assert response.status_code == 200
    assert "C-0042" in response.content.decode()
    assert not Reclamation.objects.exists()


def test_survey_counts_cannot_exceed_respondents(network, in_structure):
    with pytest.raises(BusinessError) as error:
        save_register_entry(
            structure=in_structure,
            user=network.user("referent"),
            registre=REGISTRES["enquetes"],
            data={
                "periode": "2016",
                "annee": 2016,
                "repondants": 10,
                "tres_satisfaits": 6,
                "satisfaits": 5,
                "peu_satisfaits": 0,
                "pas_satisfaits": 0,
            },
        )
    assert error.value.errors[0]["field"] == "repondants"
    assert not EnqueteSatisfaction.objects.exists()


def test_import_is_all_or_nothing_with_row_and_field_errors(network, in_structure):
    content = _xlsx(
        [
            HEADER,
            [datetime.date(2016, 1, 5), "Orale", "C-0001", "Autre", "a", "", None, "non"],
            ["31/02/2016", "Écrite", "Jean Martin", "Autre", "b", "", None, "oui"],
            ["06/01/2016", "par pigeon", "C-0003", "Autre", "c", "", None, "non"],
        ]
    )
    with pytest.raises(BusinessError) as error:
        import_register(
            structure=in_structure,
            user=network.user("referent"),
            registre=REGISTRES["reclamations"],
            content=content,
        )
    errors = error.value.errors
    assert {(e["row"], e["field"]) for e in errors} == {
        (3, "date"),
        (3, "client_reference"),
        (4, "forme"),
    }
    assert not Reclamation.objects.exists()


def test_import_then_export_round_trip(network, in_structure):
    content = _xlsx(
        [
            HEADER,
            [datetime.date(2016, 1, 5), "Orale", "C-0001", "Autre", "a", "", None, "non"],
            [
                "06/01/2016",
                "ecrite",
                "C-0001",
                "Facturation, contrat",
                "b",
                "t",
                "07/01/2016",
                "oui",
            ],
        ]
    )
    assert (
        import_register(
            structure=in_structure,
            user=network.user("referent"),
            registre=REGISTRES["reclamations"],
            content=content,
        )
        == 2
    )
    assert (
        Reclamation.objects.filter(forme="ecrite", cloturee=True, categorie="facturation").count()
        == 1
    )
    from accompagnement.registres import xlsx

    sheet = load_workbook(
        BytesIO(xlsx.export_register(REGISTRES["reclamations"], list(Reclamation.objects.all())))
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Date", "Forme", "Référence client")
    assert len(rows) == 3
    assert (
        import_register(
            structure=in_structure,
            user=network.user("referent"),
            registre=REGISTRES["reclamations"],
            content=_xlsx([list(r) for r in rows]),
        )
        == 2
    )


def test_import_rejects_a_file_that_is_not_a_workbook(network, in_structure):
    with pytest.raises(BusinessError) as error:
        import_register(
            structure=in_structure,
            user=network.user("referent"),
            registre=REGISTRES["reclamations"],
            content=b"not a workbook",
        )
    assert error.value.code == "invalid_file"


def test_import_page_shows_errors_and_saves_nothing(
    network, client_for, in_structure, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "r.xlsx", _xlsx([HEADER, ["x", "Orale", "C-1", "Autre", "a", "", None, "non"]])
    )
    client = client_for(network.user("referent"))
    with django_capture_on_commit_callbacks(execute=True):  # the rows are checked by a job
        response = client.post(f"{BASE}/reclamations/import/", {"fichier": upload})
    assert response.status_code == 302
    assert "Ligne 2" in client.get(response["Location"]).content.decode()
    assert not Reclamation.objects.exists()


def test_descriptions_are_never_logged(network, in_structure, caplog):
    caplog.set_level(logging.DEBUG)
    save_register_entry(
        structure=in_structure,
        user=network.user("referent"),
        registre=REGISTRES["reclamations"],
        data={
            "date": datetime.date(2016, 1, 1),
            "forme": "orale",
            "client_reference": "C-0007",
            "categorie": "autre",
            "description": "SECRET-DESCRIPTION",
            "traitement": "",
            "date_reponse": None,
            "cloturee": False,
        },
    )
    assert "SECRET-DESCRIPTION" not in caplog.text
    assert "C-0007" not in caplog.text


def test_api_crud_for_contributors(network, api_client_for, in_structure):
    client = api_client_for(network.user("contributeur"))
    created = client.post(
        f"{API}/enquetes/",
        {
            "periode": "2016",
            "annee": 2016,
            "repondants": 20,
            "tres_satisfaits": 5,
            "satisfaits": 10,
            "peu_satisfaits": 3,
            "pas_satisfaits": 2,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    listed = api_client_for(network.user("lecteur")).get(f"{API}/enquetes/")
    assert listed.json()["count"] == 1
    too_many = client.patch(
        f"{API}/enquetes/{created.json()['id']}/", {"repondants": 5}, format="json"
    )
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["field"] == "repondants"


def test_api_other_structure_gets_404(network, api_client_for, in_structure):
    entry = save_register_entry(
        structure=in_structure,
        user=network.user("referent"),
        registre=REGISTRES["clients"],
        data={"annee": 2016, "nombre": 12},
    )
    client = api_client_for(network.user("directeur_autre"))
    assert client.get(f"{API}/clients/{entry.pk}/").status_code == 404
    assert client.delete(f"{API}/clients/{entry.pk}/").status_code == 404


def test_register_list_query_count_is_bounded(
    network, client_for, in_structure, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(network.user("referent"))
    counts = []
    for batch in (2, 15):
        for i in range(batch):
            save_register_entry(
                structure=in_structure,
                user=network.user("referent"),
                registre=REGISTRES["evenements"],
                data={
                    "date": datetime.date(2016, 1, 1 + i),
                    "gravite": "mineure",
                    "description": "d",
                    "analyse": "",
                    "actions": [],
                    "retour_experience": False,
                },
            )
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"{BASE}/evenements/").status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(40):  # menus and to-dos of every app included
        client.get(f"{BASE}/evenements/")


def test_register_services_check_the_person_and_the_structure(network, in_structure):
    """The services check their own rule: a reader may not write, and a service given
    another structure than the connection's schema refuses to run (nothing written)."""
    data = {"annee": 2016, "nombre": 12}
    with pytest.raises(BusinessError):
        save_register_entry(
            structure=in_structure,
            user=network.user("lecteur"),
            registre=REGISTRES["clients"],
            data=data,
        )
    with pytest.raises(RuntimeError):
        save_register_entry(
            structure=network.other_structure,
            user=network.user("directeur_autre"),
            registre=REGISTRES["clients"],
            data=data,
        )
    assert not REGISTRES["clients"].model.objects.exists()
