"""The OpenAPI schema is usable, not just valid: a Python client generated from
``/api/schema/`` by openapi-python-client (pinned dev dependency) drives a short journey
against a live server — the federation sets up a structure and its people, the référent
answers in bulk and submits, the expert confirms, the pilot reads the consolidation."""

from __future__ import annotations

import datetime
import importlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.factories import build_frame

PACKAGE = "qualireseau_client"
CONFIG = """\
content_type_overrides:
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
  application/pdf: application/octet-stream
  application/yaml: application/octet-stream
"""


@pytest.fixture
def generated_client(live_url, tmp_path, committed_world):
    reader = committed_world.person("lecteur-schema")
    schema = httpx.get(
        f"{live_url}/api/schema/",
        params={"format": "json"},
        headers={"Authorization": f"Token {committed_world.keys[reader.pk]}"},
        timeout=60,
    )
    assert schema.status_code == 200, schema.text[:300]
    (tmp_path / "schema.json").write_bytes(schema.content)
    (tmp_path / "config.yaml").write_text(CONFIG)
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(tmp_path / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _api(module: str):
    return importlib.import_module(f"{PACKAGE}.api.{module}")


def test_a_generated_client_runs_the_journey(generated_client, committed_world, live_url):
    world = committed_world
    s = world.suffix
    models = importlib.import_module(f"{PACKAGE}.models")
    frame = build_frame()
    world.referentiels.append(frame.version.referentiel)
    people = {role: world.person(role) for role in ("referent", "expert", "pilote")}
    federation = world.person("federation", is_federation_admin=True)

    def client(user):
        return generated_client.AuthenticatedClient(
            base_url=live_url, token=world.keys[user.pk], prefix="Token", timeout=60
        )

    admin = client(federation)
    territoires = _api("territoires.territoires_create")
    territoire = territoires.sync(
        client=admin, body=models.TerritoireRequest(code=f"ut-{s}", nom=f"UT {s}")
    )
    groupe = _api("groupes.groupes_create").sync(
        client=admin, body=models.GroupeRequest(territoire=territoire.id, nom=f"Groupe {s}")
    )
    created = _api("structures.structures_bulk_create").sync(
        client=admin,
        body=models.StructuresBulkRequest(
            structures=[
                models.StructureRequest(
                    nom=f"Structure {s}",
                    slug=f"g{s}",
                    type_=models.StructureTypeEnum.SSIAD,
                    territoire=territoire.id,
                    groupes=[groupe.id],
                )
            ]
        ),
    )
    assert isinstance(created, models.StructuresBulkResult), created
    slug = created.structures[0].slug
    granted = _api("roles.roles_bulk_create").sync(
        client=admin,
        body=models.RolesBulkRequest(
            roles=[
                models.RoleRequest(
                    email=people["referent"].email,
                    role=models.RoleEnum.REFERENT,
                    structure=created.structures[0].id,
                ),
                models.RoleRequest(
                    email=people["expert"].email, role=models.RoleEnum.EXPERT, groupe=groupe.id
                ),
                models.RoleRequest(
                    email=people["pilote"].email,
                    role=models.RoleEnum.PILOTE,
                    territoire=territoire.id,
                ),
            ]
        ),
    )
    assert isinstance(granted, models.RolesBulkResult), granted
    campagne = _api("campagnes.campagnes_create").sync(
        client=admin,
        body=models.CampagneRequest(
            libelle=f"S2 2031 {s}",
            semestre=models.SemestreEnum.VALUE_2,
            annee=2031,
            echeance=datetime.date.today() + datetime.timedelta(days=30),
        ),
    )
    assert isinstance(campagne, models.Campagne), campagne

    # The référent answers every criterion in one call and submits.
    referent = client(people["referent"])
    autodiagnostic = _api("autodiagnostics.autodiagnostics_create").sync(
        slug,
        client=referent,
        body=models.AutodiagnosticCreateRequest(
            version=frame.version.pk, annee=2031, reprendre_precedent=False
        ),
    )
    assert isinstance(autodiagnostic, models.Autodiagnostic), autodiagnostic
    values = {c.code: ("C" if i % 3 else "PC") for i, c in enumerate(frame.criteres)}
    answered = _api("autodiagnostics.autodiagnostics_reponses_bulk_create").sync(
        slug,
        str(autodiagnostic.id),
        client=referent,
        body=models.BulkAnswersInputRequest(
            reponses=[
                models.BulkAnswerItemRequest(critere=code, valeur=value, revision=0)
                for code, value in values.items()
            ],
            submit=True,
        ),
    )
    assert isinstance(answered, models.BulkResult), answered
    assert answered.autodiagnostic.statut == models.AutodiagnosticStatutEnum.SOUMIS

    # The expert corrects one criterion and confirms the rest as declared.
    first = frame.criteres[1].code
    confirmed = _api("autodiagnostics.autodiagnostics_confirmations_bulk_create").sync(
        slug,
        str(autodiagnostic.id),
        client=client(people["expert"]),
        body=models.BulkConfirmationsInputRequest(
            confirmations=[
                models.BulkConfirmationItemRequest(
                    critere=first, valeur="NC", commentaire="Document absent"
                )
            ],
            rest_as_declared=True,
            finish=True,
        ),
    )
    assert isinstance(confirmed, models.BulkResult), confirmed
    assert confirmed.autodiagnostic.statut == models.AutodiagnosticStatutEnum.CONFIRME
    scores = _api("autodiagnostics.autodiagnostics_scores_retrieve").sync(
        slug, str(autodiagnostic.id), client=referent
    )
    weights = {"C": 1.0, "PC": 0.5, "NC": 0.0}
    expected = {**values, first: "NC"}
    rate = sum(weights[v] for v in expected.values()) / len(expected)
    assert scores.module.confirme.taux == pytest.approx(rate)

    # The review, then the pilot reads the consolidation of their territory.
    bilan = _api("bilans.bilans_create").sync(
        slug, client=referent, body=models.OpenBilanRequest(campagne=campagne.id)
    )
    submitted = _api("bilans.bilans_submit_create").sync(
        slug, str(bilan.id), client=referent, body=models.CommentRequest()
    )
    assert submitted.statut == "soumis"
    consolidation = _api("consolidation.consolidation_retrieve").sync(
        client=client(people["pilote"]), campagne=campagne.id, territoire=territoire.id
    )
    assert isinstance(consolidation, models.Consolidation), consolidation
    # Typed all the way down (nested serializers in the schema, no free-form JSON).
    assert consolidation.module.confirme == pytest.approx(rate)
    assert [d.code for d in consolidation.module.definitions] == [
        "moyenne_criteres",
        "moyenne_themes",
    ]
    assert consolidation.familles.realisation.experts_formes == 0
    assert len(consolidation.structures) == 1
    # A person without a role there gets the documented error shape.
    refused = _api("consolidation.consolidation_retrieve").sync_detailed(
        client=client(people["referent"]), campagne=campagne.id
    )
    assert refused.status_code == 404
    assert isinstance(refused.parsed, models.Errors)
    assert refused.parsed.errors[0].code == "not_found"
