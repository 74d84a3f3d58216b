"""Drill-down territory → group → structure → criteria: structure names are links that open
the structure's self-diagnoses (its criteria), for those who may see it."""

from __future__ import annotations

from accompagnement.reporting.models import InstantaneBilan
from tests.bilans.conftest import campagne  # noqa: F401 (fixture)


def _snapshot(campagne, structure, groupe):  # noqa: F811
    return InstantaneBilan.objects.create(
        campagne=campagne,
        structure=structure,
        structure_nom=structure.nom,
        territoire_id=structure.territoire_id,
        groupe_ids=[groupe.pk],
        soumis_le=campagne.created_at,
        taux_declare=0.6,
        taux_confirme=0.5,
    )


def test_pilot_drills_down_to_the_structures_criteria(network, client_for, campagne):  # noqa: F811
    _snapshot(campagne, network.structure, network.groupe)
    client = client_for(network.user("pilote"))
    params = {
        "campagne": campagne.pk,
        "territoire": network.territoire.pk,
        "groupe": network.groupe.pk,
    }
    page = client.get("/reporting/tableau-de-bord/", params).content.decode()
    link = f'href="/reporting/structures/{network.structure.pk}/">Structure Alpha</a>'
    assert link in page
    response = client.get(f"/reporting/structures/{network.structure.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == "/s/alpha/autodiagnostics/"
    assert response.status_code == 200


def test_structure_link_is_404_outside_ones_structures(network, client_for):
    url = f"/reporting/structures/{network.structure.pk}/"
    for role in ("pilote_autre", "expert_autre", "directeur_autre", "sans_role"):
        assert client_for(network.user(role)).get(url).status_code == 404, role
