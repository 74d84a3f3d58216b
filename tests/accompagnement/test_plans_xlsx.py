"""XLSX export and import of the action plan: round trip, row errors, atomicity."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from accompagnement.plans import selectors, services, xlsx
from accompagnement.plans.models import Action
from core.errors import BusinessError


def _workbook(rows, header=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or [label for _n, label in xlsx.COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _snapshot():
    return sorted(
        (
            a.titre,
            a.description,
            a.dimension,
            a.priorite,
            a.statut,
            a.avancement,
            a.echeance,
            a.responsable_id,
            a.axe_id,
        )
        for a in Action.objects.all()
    )


def test_round_trip_changes_nothing(in_structure, network):
    politique = services.save_politique(
        structure=network.structure,
        user=network.user("directeur"),
        titre="PQ",
        axes=[{"titre": f"A{i}"} for i in range(4)],
    )
    services.create_action(
        structure=network.structure,
        user=network.user("referent"),
        titre="Livret d'accueil",
        description="Mettre à jour",
        dimension="structurelle",
        priorite="haute",
        echeance=datetime.date(2026, 3, 31),
        responsable=network.user("referent"),
        axe=politique.axes.get(numero=3),
        avancement=40,
    )
    services.create_action(
        structure=network.structure, user=network.user("referent"), titre="Charte", statut="fait"
    )
    before = _snapshot()
    content = xlsx.export_plan(selectors.actions_filtered())
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == [label for _n, label in xlsx.COLUMNS]
    report = xlsx.import_plan(
        structure=network.structure, user=network.user("referent"), content=content
    )
    assert (report.created, report.updated) == (0, 2)
    assert _snapshot() == before


def test_import_creates_actions_and_moves_statuses_through_the_workflow(in_structure, network):
    action = services.create_action(
        structure=network.structure, user=network.user("referent"), titre="Existante"
    )
    content = _workbook(
        [
            [
                None,
                "Nouvelle",
                "",
                "Culturelle",
                "Basse",
                "En cours",
                10,
                "15/06/2026",
                network.user("directeur").email,
                None,
                "",
                "Expert-réseau",
            ],
            [
                action.pk,
                "Existante",
                "",
                "",
                "",
                "Fait",
                None,
                datetime.date(2026, 1, 1),
                "",
                None,
                "",
                "",
            ],
        ]
    )
    report = xlsx.import_plan(
        structure=network.structure, user=network.user("referent"), content=content
    )
    assert (report.created, report.updated) == (1, 1)
    created = Action.objects.get(titre="Nouvelle")
    assert (
        created.dimension,
        created.priorite,
        created.statut,
        created.echeance,
        created.responsable,
        created.origine,
    ) == (
        "culturelle",
        "basse",
        "en_cours",
        datetime.date(2026, 6, 15),
        network.user("directeur"),
        "expert",
    )
    action.refresh_from_db()
    assert (
        action.statut == "fait"
        and action.transitions.filter(to_statut="fait", commentaire="Import XLSX").exists()
    )


def test_import_reports_every_error_with_row_and_column_and_writes_nothing(in_structure, network):
    existing = services.create_action(
        structure=network.structure, user=network.user("referent"), titre="Existante"
    )
    services.change_action_status(
        structure=network.structure, user=network.user("referent"), action=existing, statut="fait"
    )
    before = _snapshot()
    content = _workbook(
        [
            [None, "Bonne ligne", "", "", "", "", None, None, "", None, "", ""],
            [
                None,
                "",
                "",
                "Galactique",
                "",
                "",
                120,
                "31/02/2026",
                "inconnu@example.org",
                9,
                "9.9.9",
                "",
            ],
            [999999, "Réf inconnue", "", "", "", "Pas un statut", None, None, "", None, "", ""],
            [existing.pk, "Existante", "", "", "", "À faire", None, None, "", None, "", ""],
        ]
    )
    with pytest.raises(BusinessError) as error:
        xlsx.import_plan(
            structure=network.structure, user=network.user("referent"), content=content
        )
    found = {(e["row"], e["field"]) for e in error.value.errors}
    assert found == {
        (3, "titre"),
        (3, "dimension"),
        (3, "avancement"),
        (3, "echeance"),
        (3, "responsable"),
        (3, "axe"),
        (3, "criteres"),
        (4, "reference"),
        (4, "statut"),
        (5, "statut"),
    }
    assert all(e["message"].startswith(f"Ligne {e['row']}, colonne") for e in error.value.errors)
    assert _snapshot() == before


def test_import_refuses_what_is_not_a_workbook(in_structure, network):
    with pytest.raises(BusinessError) as error:
        xlsx.import_plan(
            structure=network.structure, user=network.user("referent"), content=b"pas un classeur"
        )
    assert error.value.code == "import_file"
    with pytest.raises(BusinessError) as error:
        xlsx.import_plan(
            structure=network.structure,
            user=network.user("referent"),
            content=_workbook([], header=["Autre"]),
        )
    assert error.value.code == "import_file"


@pytest.mark.parametrize("role", ["contributeur", "lecteur", "directeur_autre"])
def test_import_is_for_plan_writers(in_structure, network, role):
    with pytest.raises(BusinessError) as error:
        xlsx.import_plan(
            structure=network.structure, user=network.user(role), content=_workbook([])
        )
    assert error.value.code == "forbidden"


def test_export_and_import_pages(in_structure, network, client_for):
    services.create_action(structure=network.structure, user=network.user("referent"), titre="A")
    client = client_for(network.user("referent"))
    response = client.get(f"/s/{network.structure.slug}/plan/export.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    bad = _workbook([[None, "", "Sans titre", "", "", "", None, None, "", None, "", ""]])
    response = client.post(
        f"/s/{network.structure.slug}/plan/import/", {"fichier": io.BytesIO(bad)}, follow=True
    )
    assert "Ligne 2, colonne « Titre »" in response.content.decode()
    assert (
        client_for(network.user("directeur_autre"))
        .get(f"/s/{network.structure.slug}/plan/export.xlsx")
        .status_code
        == 404
    )
