"""A federation loads its network through the API only, with bulk calls, and reads the
consolidation: 50 structures over 9 territories and 7 groups (two groups gather structures
of two neighbouring territories), 49-criteria self-diagnoses answered, confirmed (with
corrections) and reviews submitted — in under 300 calls. The consolidation is checked
against rates computed here, independently, from the answers sent."""

from __future__ import annotations

import datetime
import random
import time
from statistics import mean

import pytest

from tests.api_journeys.conftest import CountingClient
from tests.factories import MODULE_49, build_frame

STRUCTURES = 50
TERRITOIRES = 9
GROUPES = 7
WEIGHTS = {"C": 1.0, "PC": 0.5, "NC": 0.0}  # NA: excluded
API = "/api/v1"


def _rate(values: list[str]) -> float | None:
    scored = [WEIGHTS[v] for v in values if v != "NA"]
    return sum(scored) / len(scored) if scored else None


def _group_of_territory(t: int) -> int:
    """Territories 0-6 have their own group; 7 and 8 join the groups of 5 and 6."""
    return t if t < GROUPES else t - 2


def _answers(rng: random.Random, criteres: list, all_level_one: bool) -> dict[str, str]:
    values = {}
    for critere in criteres:
        if all_level_one and critere.niveau == 1:
            values[critere.code] = "C"
        else:
            values[critere.code] = rng.choices(["C", "PC", "NC", "NA"], [6, 2, 1, 1])[0]
    return values


def test_a_network_of_fifty_structures_in_under_300_calls(committed_world):
    world = committed_world
    s = world.suffix
    frame = build_frame(MODULE_49)
    world.referentiels.append(frame.version.referentiel)
    themes = {t.pk: t.code for t in frame.themes}
    federation = world.person("federation", is_federation_admin=True)
    referents = [world.person(f"referent{i}") for i in range(STRUCTURES)]
    experts = [world.person(f"expert{g}") for g in range(GROUPES)]
    pilotes = [world.person(f"pilote{t}") for t in range(TERRITOIRES)]
    admin = world.client(federation)
    started = time.perf_counter()

    # Territories and groups.
    territoires = [
        admin.post(f"{API}/territoires/", {"code": f"ut{t}-{s}", "nom": f"UT {t} {s}"}).json()["id"]
        for t in range(TERRITOIRES)
    ]
    groupes = [
        admin.post(
            f"{API}/groupes/", {"territoire": territoires[g], "nom": f"Groupe {g} {s}"}
        ).json()["id"]
        for g in range(GROUPES)
    ]
    # Fifty structures (and their schemas) in one call.
    territory_of = [i % TERRITOIRES for i in range(STRUCTURES)]
    response = admin.post(
        f"{API}/structures/bulk/",
        {
            "structures": [
                {
                    "nom": f"Structure {i:02d} {s}",
                    "slug": f"j{s}-{i:02d}",
                    "type": "SAAD",
                    "territoire": territoires[territory_of[i]],
                    "groupes": [groupes[_group_of_territory(territory_of[i])]],
                }
                for i in range(STRUCTURES)
            ]
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    structures = response.json()["structures"]
    provisioned = time.perf_counter()
    # Every role in one call: a référent per structure, an expert per group, a pilot per
    # territory.
    roles = (
        [
            {"email": referents[i].email, "role": "referent", "structure": structures[i]["id"]}
            for i in range(STRUCTURES)
        ]
        + [
            {"email": experts[g].email, "role": "expert", "groupe": groupes[g]}
            for g in range(GROUPES)
        ]
        + [
            {"email": pilotes[t].email, "role": "pilote", "territoire": territoires[t]}
            for t in range(TERRITOIRES)
        ]
    )
    response = admin.post(f"{API}/roles/bulk/", {"roles": roles}, format="json")
    assert response.status_code == 201, response.json()
    campagne = admin.post(
        f"{API}/campagnes/",
        {
            "libelle": f"S1 2031 {s}",
            "semestre": 1,
            "annee": 2031,
            "echeance": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
        },
        format="json",
    )
    assert campagne.status_code == 201, campagne.json()
    campagne_id = campagne.json()["id"]

    # Each structure: open, answer everything and submit (référent); confirm with a few
    # corrections and finish (its group's expert); open and submit the review (référent).
    rng = random.Random(19)
    expected: list[dict] = []
    for i, structure in enumerate(structures):
        base = f"/s/{structure['slug']}{API}"
        referent = world.client(referents[i])
        expert = world.client(experts[_group_of_territory(territory_of[i])])
        declared = _answers(rng, frame.criteres, all_level_one=(i % 4 == 0))
        opened = referent.post(
            f"{base}/autodiagnostics/",
            {"version": frame.version.pk, "annee": 2031, "reprendre_precedent": False},
            format="json",
        )
        assert opened.status_code == 201, opened.json()
        url = f"{base}/autodiagnostics/{opened.json()['id']}/"
        answered = referent.post(
            f"{url}reponses/bulk/",
            {
                "reponses": [
                    {"critere": code, "valeur": value, "commentaire": "constaté", "revision": 0}
                    for code, value in declared.items()
                ],
                "submit": True,
            },
            format="json",
        )
        assert answered.status_code == 200, answered.json()
        confirmed = dict(declared)
        corrections = [
            c for c in rng.sample(sorted(declared), 6) if declared[c] == "C" and i % 4 != 0
        ][:2]
        for code in corrections:
            confirmed[code] = "PC"
        response = expert.post(
            f"{url}confirmations/bulk/",
            {
                "confirmations": [
                    {"critere": code, "valeur": "PC", "commentaire": "preuve partielle"}
                    for code in corrections
                ],
                "rest_as_declared": True,
                "finish": True,
            },
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert response.json()["autodiagnostic"]["statut"] == "confirme"
        bilan = referent.post(f"{base}/bilans/", {"campagne": campagne_id}, format="json")
        assert bilan.status_code == 201, bilan.json()
        submitted = referent.post(f"{base}/bilans/{bilan.json()['id']}/submit/", {}, format="json")
        assert submitted.status_code == 200, submitted.json()
        expected.append(
            {
                "territoire": territoires[territory_of[i]],
                "declare": _rate(list(declared.values())),
                "confirme": _rate(list(confirmed.values())),
                "themes": {
                    code: _rate(
                        [confirmed[c.code] for c in frame.criteres if themes[c.theme_id] == code]
                    )
                    for code in themes.values()
                },
                "niveau1": all(
                    confirmed[c.code] in ("C", "NA") for c in frame.criteres if c.niveau == 1
                )
                and any(confirmed[c.code] == "C" for c in frame.criteres if c.niveau == 1),
            }
        )

    # The consolidation, for the federation and for one pilot (their territory only).
    network = admin.get(f"{API}/consolidation/", {"campagne": campagne_id})
    assert network.status_code == 200, network.json()
    body = network.json()
    assert len(body["structures"]) == STRUCTURES
    assert body["module"]["declare"] == pytest.approx(mean(e["declare"] for e in expected))
    assert body["module"]["confirme"] == pytest.approx(mean(e["confirme"] for e in expected))
    by_theme = {t["code"]: t["confirme"] for t in body["themes"]}
    assert by_theme == pytest.approx(
        {code: mean(e["themes"][code] for e in expected) for code in themes.values()}
    )
    assert body["part_tous_niveau1"] == pytest.approx(mean(e["niveau1"] for e in expected))
    assert 0 < body["part_tous_niveau1"] < 1

    pilot = world.client(pilotes[0])
    mine = [e for e in expected if e["territoire"] == territoires[0]]
    response = pilot.get(
        f"{API}/consolidation/", {"campagne": campagne_id, "territoire": territoires[0]}
    )
    assert response.status_code == 200, response.json()
    assert len(response.json()["structures"]) == len(mine)
    assert response.json()["module"]["confirme"] == pytest.approx(mean(e["confirme"] for e in mine))
    other = pilot.get(
        f"{API}/consolidation/", {"campagne": campagne_id, "territoire": territoires[1]}
    )
    assert other.status_code in (403, 404)

    calls = CountingClient.calls
    elapsed = time.perf_counter() - started
    print(
        f"\n{STRUCTURES} structures: {calls} API calls, {elapsed:.1f} s "
        f"(of which provisioning {provisioned - started:.1f} s)"
    )
    assert calls < 300
