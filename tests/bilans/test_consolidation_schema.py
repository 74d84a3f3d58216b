"""The OpenAPI schema of ``GET /api/v1/consolidation/`` describes the response exactly:
every member the API returns (module definitions, imperative criteria, nodes, trained
experts, aware pilots, per-structure rows…) is in the schema, and nothing else."""

from __future__ import annotations

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accompagnement.reporting.models import InstantaneBilan
from api.urls import schema_patterns
from tests.bilans.test_consolidation import make_structures

IMPERATIFS = {
    "total": 2,
    "non_satisfaits": 1,
    "sans_reponse": 0,
    "tous_satisfaits": False,
    "criteres_non_satisfaits": ["4.2.1"],
}


@pytest.fixture(scope="module")
def components(django_db_blocker):
    with django_db_blocker.unblock():
        schema = SchemaGenerator(patterns=schema_patterns()).get_schema(request=None, public=True)
    return schema["components"]["schemas"]


def _resolve(node: dict, components: dict) -> dict:
    """The schema object behind a reference, a nullable wrapper or a ``oneOf`` with null."""
    while True:
        if "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[1]]
        elif "allOf" in node and len(node["allOf"]) == 1:
            node = node["allOf"][0]
        elif "oneOf" in node:
            node = next(n for n in node["oneOf"] if n.get("type") != "null")
        else:
            return node


def _assert_described(data, node: dict, components: dict, path: str = "") -> None:
    """Every member of ``data`` is a property of ``node`` and every property is in ``data``
    (the serializers name no member the API does not return), recursively."""
    node = _resolve(node, components)
    if data is None:
        return
    if "properties" in node:
        assert isinstance(data, dict), path
        assert set(data) == set(node["properties"]), (path, set(data) ^ set(node["properties"]))
        for key, value in data.items():
            _assert_described(value, node["properties"][key], components, f"{path}.{key}")
    elif node.get("type") == "array":
        assert isinstance(data, list), path
        for index, item in enumerate(data):
            _assert_described(item, node["items"], components, f"{path}[{index}]")
    elif isinstance(node.get("additionalProperties"), dict):
        assert isinstance(data, dict), path
        for key, value in data.items():
            _assert_described(value, node["additionalProperties"], components, f"{path}.{key}")
    else:
        assert not isinstance(data, dict | list), (path, node)


def test_the_schema_lists_the_new_consolidation_members(components):
    consolidation = components["Consolidation"]["properties"]
    for member in ("module", "imperatifs", "noeuds", "structures", "detail", "evolution"):
        assert member in consolidation, member
    module = _resolve(consolidation["module"], components)["properties"]
    definition = _resolve(module["definitions"]["items"], components)["properties"]
    assert set(definition) == {"code", "libelle", "declare", "confirme", "ecart", "principal"}
    assert _resolve(module["definition_principale"], components)["enum"] == [
        "moyenne_criteres",
        "moyenne_themes",
    ]
    assert set(_resolve(consolidation["imperatifs"], components)["properties"]) == {
        "structures",
        "part_tous_satisfaits",
        "non_satisfaits",
    }
    noeud = _resolve(consolidation["noeuds"]["items"], components)["properties"]
    assert {"code", "titre", "profondeur", "declare", "confirme", "ecart"} == set(noeud)
    familles = _resolve(consolidation["familles"], components)["properties"]
    realisation = _resolve(familles["realisation"], components)["properties"]
    assert realisation["experts_formes"]["type"] == "integer"
    assert realisation["pilotes_sensibilises"]["type"] == "integer"


def test_the_consolidation_response_is_exactly_what_the_schema_describes(
    network, api_client_for, campagne, components
):
    for index, structure in enumerate(make_structures(network, 3, groupe=network.groupe)):
        InstantaneBilan.objects.create(
            campagne=campagne,
            structure=structure,
            structure_nom=structure.nom,
            territoire_id=structure.territoire_id,
            groupe_ids=[network.groupe.pk],
            soumis_le=timezone.now(),
            en_retard=index == 0,
            taux_declare=0.6,
            taux_confirme=0.5,
            tous_niveau1=True,
            tous_niveau2=None,
            taux_satisfaits=0.9,
            reclamations=1,
            indicateurs={
                "taux_module": "moyenne_themes",
                "moyenne_themes": {"declare": 0.55, "confirme": None},
                "imperatifs": IMPERATIFS,
                "themes": {"4.2": {"declare": 0.5, "confirme": 0.4}},
                "noeuds": {"4": {"declare": 0.6, "confirme": 0.5}},
                "criteres_cibles": {"4.2.1": True, "4.3.1": None},
                "themes_titres": {"4.2": "Accueil"},
                "noeuds_titres": {"4": {"titre": "Chapitre 4", "profondeur": 0, "ordre": 1}},
            },
        )
    response = api_client_for(network.user("pilote")).get(
        "/api/v1/consolidation/", {"campagne": campagne.pk, "territoire": network.territoire.pk}
    )
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    # The members the issue names are really there, filled.
    assert [d["code"] for d in data["module"]["definitions"]] == [
        "moyenne_criteres",
        "moyenne_themes",
    ]
    assert data["imperatifs"]["structures"] == 3
    assert data["noeuds"][0]["titre"] == "Chapitre 4"
    assert {"experts_formes", "pilotes_sensibilises"} <= set(data["familles"]["realisation"])
    assert len(data["structures"]) == 3 and data["detail"] and data["evolution"]
    _assert_described(data, components["Consolidation"], components)
