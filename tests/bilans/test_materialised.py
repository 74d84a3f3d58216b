"""The consolidation figures materialised per campaign and scope (``reporting.materialised``)
are the live ones: on random snapshots (hypothesis) in territories and groups (one spanning
territories), with late submissions, an older campaign and an erasure, every scope reads the
same figures, drill-down, rows and evolution from its materialised row as computed live, and
a rebuild writes exactly what the submissions wrote one by one. The submission service
writes them in its transaction; any other write of a snapshot drops its scopes' rows."""

from __future__ import annotations

import datetime
import io
import itertools
import math

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accompagnement.bilans import services as bilans_services
from accompagnement.reporting import materialised, selectors
from accompagnement.reporting.models import AgregatCampagne, Campagne, InstantaneBilan
from tenants.models import GroupeTravail, Structure
from tests.bilans.test_consolidation import make_structures

rates = st.one_of(st.none(), st.floats(min_value=0, max_value=1, allow_nan=False))
flags = st.one_of(st.none(), st.booleans())
snapshot_rows = st.lists(
    st.fixed_dictionaries(
        {
            "older": st.booleans(),  # submitted to the older campaign (a late one)
            "en_retard": st.booleans(),
            "groupes": st.sets(st.integers(min_value=0, max_value=2)),
            "taux_declare": rates,
            "taux_confirme": rates,
            "tous_niveau1": flags,
            "taux_satisfaits": rates,
            "reclamations": st.one_of(st.none(), st.integers(min_value=0, max_value=9)),
            "themes": st.dictionaries(
                st.sampled_from(["4.1", "4.2", "4.10"]),
                st.fixed_dictionaries({"declare": rates, "confirme": rates}),
            ),
            "criteres": st.dictionaries(st.sampled_from(["4.2.1", "4.2.9", "4.4.10"]), flags),
            "titres": st.booleans(),
        }
    ),
    min_size=0,
    max_size=10,
)
YEARS = itertools.count(3200, 2)


@pytest.fixture
def world(network):
    """Ten structures over two territories; groups: one per territory and one spanning
    both (its home is the first territory)."""
    spanning = GroupeTravail.objects.create(territoire=network.territoire, nom="Groupe Deux UT")
    here = make_structures(network, 5, prefix="m")
    there = make_structures(network, 5, territoire=network.other_territoire, prefix="n")
    return {
        "structures": [*here, *there],
        "groupes": [network.groupe, network.other_groupe, spanning],
        "territoires": [network.territoire, network.other_territoire],
    }


def _snapshot(campagne, structure, row, groupes) -> InstantaneBilan:
    indicateurs = {"themes": row["themes"], "criteres_cibles": row["criteres"]}
    if row["titres"]:
        indicateurs["themes_titres"] = {code: f"Thème {code}" for code in row["themes"]}
        indicateurs["taux_module"] = "moyenne_themes"
    return InstantaneBilan.objects.create(
        campagne=campagne,
        structure=structure,
        structure_nom=structure.nom,
        territoire_id=structure.territoire_id,
        groupe_ids=sorted(groupes[i].pk for i in row["groupes"]),
        soumis_le=timezone.now(),
        en_retard=row["en_retard"],
        taux_declare=row["taux_declare"],
        taux_confirme=row["taux_confirme"],
        tous_niveau1=row["tous_niveau1"],
        taux_satisfaits=row["taux_satisfaits"],
        reclamations=row["reclamations"],
        indicateurs=indicateurs,
    )


def _scopes(campagne, world):
    territoires, groupes = [None, *world["territoires"]], [None, *world["groupes"]]
    return [
        selectors.Scope(campagne=campagne, territoire=t, groupe=g)
        for t in territoires
        for g in groupes
    ]


def _read(campagnes, world):
    """Everything the pages and the API read of these campaigns' scopes."""
    result = [
        (
            selectors.consolidate(scope),
            selectors.drill_down(scope),
            selectors.snapshot_rows_json(scope),
        )
        for campagne in campagnes
        for scope in _scopes(campagne, world)
    ]
    evolutions = [selectors.evolution(territoire=t) for t in [None, *world["territoires"]]]
    return result, evolutions


def _close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _stored(campagnes):
    return {
        (row["campagne_id"], row["territoire_id"], row["groupe_id"]): (
            row["bilans"],
            row["figures"],
            row["entete"],
            row["lignes"],
        )
        for row in AgregatCampagne.objects.filter(campagne__in=campagnes).values()
    }


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=snapshot_rows, erase=st.booleans())
def test_materialised_figures_equal_the_live_ones_and_a_rebuild(world, network, rows, erase):
    # Snapshots are immutable: each example gets its own campaigns (the newest ones).
    year = next(YEARS)
    older, newer = (
        Campagne.objects.create(
            libelle=f"S1 {annee}",
            semestre=1,
            annee=annee,
            echeance=datetime.date(annee, 7, 10),
            ouverte_par=network.user("federation"),
        )
        for annee in (year, year + 1)
    )
    # Submissions one by one, in the order drawn, each materialised as the service does.
    for structure, row in zip(world["structures"], rows, strict=False):
        snapshot = _snapshot(older if row["older"] else newer, structure, row, world["groupes"])
        materialised.lock(snapshot.campagne_id)
        materialised.record(snapshot)
    if erase and rows:  # the first structure leaves the network: its rows are anonymised
        InstantaneBilan.anonymise_for_purge(world["structures"][0])
    expected_keys = {
        (s.campagne_id, t, g)
        for s in InstantaneBilan.objects.filter(campagne__in=[older, newer])
        for t, g in materialised.keys_of(s.territoire_id, s.groupe_ids)
    }
    incremental = _stored([older, newer])
    assert set(incremental) == expected_keys

    stored, stored_evolutions = _read([older, newer], world)
    AgregatCampagne.objects.filter(campagne__in=[older, newer]).delete()
    live, live_evolutions = _read([older, newer], world)
    assert stored == live  # figures, drill-down and rows: identical
    # Evolution: live, PostgreSQL sums several campaigns in one GROUP BY, in an order
    # that may differ from the materialised sum in the last bit of a float.
    assert _close(stored_evolutions, live_evolutions)

    assert materialised.rebuild([older.pk, newer.pk]) == len(expected_keys)
    assert _stored([older, newer]) == incremental


def test_a_submission_writes_its_scopes_in_its_transaction_and_pages_read_them(
    network, in_structure, campagne
):
    # A late submission (the campaign's due date has passed) is a submission like any other.
    referent = network.user("referent")
    bilan = bilans_services.open_bilan(
        structure=network.structure, campagne=campagne, user=referent
    )
    bilans_services.submit_bilan(structure=network.structure, bilan=bilan, user=referent)
    connection.set_schema_to_public()
    t, g = network.territoire.pk, network.groupe.pk
    assert set(
        AgregatCampagne.objects.filter(campagne=campagne).values_list("territoire_id", "groupe_id")
    ) == {(None, None), (t, None), (None, g), (t, g)}
    scope = selectors.Scope(campagne=campagne, territoire=network.territoire)
    with CaptureQueriesContext(connection) as context:
        figures = selectors.consolidate(scope)
        rows = selectors.snapshot_rows(scope)
    # The snapshot store itself is not aggregated: one materialised row is read.
    aggregated = [q["sql"] for q in context.captured_queries if "avg(" in q["sql"]]
    assert aggregated == []
    assert figures["bilans"]["soumis"] == 1 and [r["structure_nom"] for r in rows] == [
        network.structure.nom
    ]
    AgregatCampagne.objects.filter(campagne=campagne).delete()
    assert selectors.consolidate(scope) == figures and selectors.snapshot_rows(scope) == rows


def test_any_other_write_drops_only_the_scopes_of_the_snapshot(network, campagne):
    here = make_structures(network, 2, groupe=network.groupe, prefix="h")
    there = make_structures(network, 1, territoire=network.other_territoire, prefix="t")
    for structure in (*here, *there):
        InstantaneBilan.objects.create(
            campagne=campagne,
            structure=structure,
            structure_nom=structure.nom,
            territoire_id=structure.territoire_id,
            groupe_ids=sorted(structure.groupes.values_list("pk", flat=True)),
            soumis_le=timezone.now(),
            taux_declare=0.5,
        )
    out = io.StringIO()
    call_command("rebuild_consolidation", "--campagne", str(campagne.pk), stdout=out)
    assert out.getvalue().startswith("5 périmètre(s) recalculé(s)")
    t, other, g = network.territoire.pk, network.other_territoire.pk, network.groupe.pk
    keys = set(AgregatCampagne.objects.values_list("territoire_id", "groupe_id"))
    assert keys == {(None, None), (t, None), (None, g), (t, g), (other, None)}
    # A snapshot written without the service (a restore, a bulk load) in the other
    # territory: the network's and that territory's rows go, the first territory's stay.
    late = make_structures(network, 1, territoire=network.other_territoire, prefix="l")[0]
    InstantaneBilan.objects.bulk_create(
        [
            InstantaneBilan(
                campagne=campagne,
                structure=late,
                structure_nom=late.nom,
                territoire_id=late.territoire_id,
                groupe_ids=[],
                soumis_le=timezone.now(),
                taux_declare=0.9,
            )
        ]
    )
    keys = set(AgregatCampagne.objects.values_list("territoire_id", "groupe_id"))
    assert keys == {(t, None), (None, g), (t, g)}
    network_figures = selectors.consolidate(selectors.Scope(campagne=campagne))
    assert network_figures["bilans"]["soumis"] == 4  # computed live, the late one counted
    assert network_figures["module"]["declare"] == pytest.approx((0.5 * 3 + 0.9) / 4)
    structure = Structure.objects.get(pk=there[0].pk)
    # An erasure refreshes the scopes of the rows it anonymises.
    InstantaneBilan.anonymise_for_purge(structure)
    rows = selectors.snapshot_rows(
        selectors.Scope(campagne=campagne, territoire=network.other_territoire)
    )
    assert sorted(row["structure_nom"] for row in rows) == ["", late.nom]
    assert AgregatCampagne.objects.filter(territoire_id=other, groupe_id=None).exists()
