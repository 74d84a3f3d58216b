"""Benchmark: the consolidation endpoint (snapshot store) against the real peers, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qr_bench_bil \
        .venv/bin/python bench/consolidation.py [--structures 1000] [--naive 1000] \
        [--campaigns 100]

Set-up (kept between runs; ``dropdb qr_bench_bil`` starts over), on a dedicated database
of the system PostgreSQL:
* one real structure ("bench-source") provisioned normally, filled with a 49-criteria
  self-diagnosis (answered and confirmed), complaints, surveys, clients, actions and
  validated deliverables;
* ``--naive`` lightweight schemas ``bench_<i>``: copies, by SQL, of only the tables the
  naive loop reads (``CREATE TABLE … (LIKE …)`` + ``INSERT … SELECT``), plus the table a
  django-tenants user would freeze the submitted figures in (``bench_bilan_fige``: one
  row per campaign, the same figures as the store's snapshot);
* ``--structures`` ``Structure`` rows (9 territories, 3 groups each) and one submitted
  snapshot each (``InstantaneBilan``, bulk-inserted) for a network-wide campaign;
* history: older campaigns up to ``--campaigns``, each with the same snapshots (copied by
  SQL), measured after the figures with the history found at start;
* the materialised figures (``reporting.materialised``, one row per campaign and scope):
  the bulk inserts above bypass the submission service, so the trigger leaves those
  campaigns without rows and the script rebuilds them (``materialised.rebuild``, what
  ``manage.py rebuild_consolidation`` runs), timed; then the cost a submission adds (its
  structure's four scopes recomputed), median of 5.

Measured:
* fast path: ``GET /api/v1/consolidation/?campagne=…`` (network, federation admin) and
  ``…&territoire=…`` (pilot), server time through Django's test client (middleware,
  view, selectors, JSON rendering), median and p95 of 15 runs after one warm-up, reading
  the materialised figures; then the same network request computed live (the campaign's
  rows removed for the measure, then rebuilt) for reference;
* the peers (baselines): the fair loop (switch to each schema and read its one frozen
  row, then the same means: warm on this connection, and cold on a new connection), and
  one ``UNION ALL`` query across the schemas' frozen rows;
* the naive loop of the first version (recompute each review from raw data: kept for
  reference, not a baseline).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qr_bench_bil")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
os.environ.setdefault("AXES_ENABLED", "false")

from _database import prepare_database  # noqa: E402 — bench/ is on sys.path when a script runs

NAIVE_TABLES = [
    "diagnostics_autodiagnostic",
    "diagnostics_reponse",
    "diagnostics_confirmation",
    "registres_reclamation",
    "registres_enquetesatisfaction",
    "registres_nombreclients",
    "livrables_livrable",
    "livrables_livrableversion",
    "plans_planaction",
    "plans_action",
]
SOURCE_SLUG = "bench-source"
THEMES = ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6"]
THEME_TITLES = {  # as long as the sample frame's
    "4.1": "Accueil et contact avec le public",
    "4.2": "Traitement de la demande et élaboration de l'offre",
    "4.3": "Mise en œuvre et suivi de la prestation",
    "4.4": "Coordination avec les partenaires et l'entourage",
    "4.5": "Fin de la prestation et continuité du parcours",
    "4.6": "Expression et participation des personnes",
}
CRITERES_CIBLES = ("4.2.1", "4.2.9", "4.3.1", "4.3.2", "4.3.7", "4.6.2", "4.4.8", "4.4.9")


def build_frame():
    from decimal import Decimal

    from referentiels.models import (
        Critere,
        EchelleCotation,
        Noeud,
        Referentiel,
        ReferentielVersion,
        ValeurEchelle,
    )

    referentiel, _ = Referentiel.objects.get_or_create(
        code="bench-module", defaults={"titre": "Module bench"}
    )
    version = ReferentielVersion.objects.filter(referentiel=referentiel).first()
    if version:
        return version
    version = ReferentielVersion.objects.create(referentiel=referentiel, numero="1")
    echelle = EchelleCotation.objects.create(version=version, code="c", libelle="c")
    for i, (code, poids, exclue) in enumerate(
        [("C", "1", False), ("PC", "0.5", False), ("NC", "0", False), ("NA", "0", True)]
    ):
        ValeurEchelle.objects.create(
            echelle=echelle, code=code, libelle=code, poids=Decimal(poids), exclue=exclue, ordre=i
        )
    ordre = 0
    for t, theme_code in enumerate(THEMES):
        theme = Noeud.objects.create(
            version=version,
            type="theme",
            code=theme_code,
            titre=f"Thème {theme_code}",
            urn=f"b:{theme_code}",
            ordre=t,
        )
        for n in range(1, 9 if t == 0 else 9):
            if ordre >= 49:
                break
            code = f"{theme_code}.{n}"
            Critere.objects.create(
                version=version,
                noeud=theme,
                theme=theme,
                code=code,
                titre=code,
                niveau=1 if n <= 5 else 2,
                urn=f"b:{code}",
                ordre=ordre,
            )
            ordre += 1
    return version


def build_source(version):
    from django.db import connection

    from tenants import services
    from tenants.models import Structure

    source = Structure.objects.filter(slug=SOURCE_SLUG).first()
    if source is None:
        source = services.create_structure(nom="Bench source", slug=SOURCE_SLUG)
    connection.set_tenant(source)
    from accompagnement.diagnostics.models import Autodiagnostic, Confirmation, Reponse
    from accompagnement.groupes.models import TypeLivrable
    from accompagnement.livrables.models import Livrable, LivrableVersion
    from accompagnement.plans.models import Action, PlanAction
    from accompagnement.registres.models import EnqueteSatisfaction, NombreClients, Reclamation
    from referentiels.models import ValeurEchelle

    if not Autodiagnostic.objects.exists():
        rng = random.Random(1)
        valeurs = list(ValeurEchelle.objects.filter(echelle__version=version))
        autodiagnostic = Autodiagnostic.objects.create(
            version=version, annee=2016, statut="confirme"
        )
        for critere in version.criteres.all():
            reponse = Reponse.objects.create(
                autodiagnostic=autodiagnostic, critere=critere, valeur=rng.choice(valeurs)
            )
            Confirmation.objects.create(reponse=reponse, valeur=rng.choice(valeurs))
        for i in range(20):
            Reclamation.objects.create(
                date=datetime.date(2016, 1 + i % 12, 1),
                forme=rng.choice(["orale", "ecrite"]),
                client_reference=f"C-{rng.randint(1, 12):04}",
                description="bench",
            )
        EnqueteSatisfaction.objects.create(
            periode="2016",
            annee=2016,
            repondants=80,
            tres_satisfaits=30,
            satisfaits=35,
            peu_satisfaits=10,
            pas_satisfaits=5,
        )
        NombreClients.objects.create(annee=2016, nombre=150)
        plan = PlanAction.objects.create(titre="Plan")
        for i in range(12):
            Action.objects.create(
                plan=plan, titre=f"Action {i}", statut=rng.choice(["fait", "en_cours", "a_faire"])
            )
        type_livrable, _ = TypeLivrable.objects.get_or_create(
            code="bench-livret", defaults={"libelle": "Livret", "critere_code": "4.2.9"}
        )
        for i in range(3):
            livrable = Livrable.objects.create(type_livrable=type_livrable, titre=f"Livrable {i}")
            LivrableVersion.objects.create(
                livrable=livrable, numero=1, fichier="x.pdf", nom_original="x.pdf", statut="valide"
            )
    connection.set_schema_to_public()
    return source


def build_light_schemas(source, count: int) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_%%'")
        existing = {row[0] for row in cursor.fetchall()}
    names = [f"bench_{i:04}" for i in range(count)]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for name in names:
            if name in existing:
                continue
            statements = [f'CREATE SCHEMA "{name}"']
            for table in NAIVE_TABLES:
                statements.append(
                    f'CREATE TABLE "{name}".{table} (LIKE "{source.schema_name}".{table} INCLUDING ALL)'
                )
                statements.append(
                    f'INSERT INTO "{name}".{table} SELECT * FROM "{source.schema_name}".{table}'
                )
            cursor.execute(";".join(statements))
    print(
        f"lightweight schemas: {count} ready ({time.perf_counter() - started:.1f} s to create the missing ones)"
    )
    return names


def build_network(count: int, schemas: list[str], version):
    from django.utils import timezone

    from accompagnement.reporting.models import Campagne, InstantaneBilan
    from tenants.models import GroupeTravail, Structure, Territoire, User

    admin, _ = User.objects.get_or_create(
        email="bench-admin@bench.test", defaults={"is_federation_admin": True}
    )
    pilote, _ = User.objects.get_or_create(email="bench-pilote@bench.test")
    territoires = []
    for t in range(9):
        territoire, _ = Territoire.objects.get_or_create(
            code=f"bench-ut-{t}", defaults={"nom": f"UT bench {t}"}
        )
        territoires.append(territoire)
        for g in range(3):
            GroupeTravail.objects.get_or_create(territoire=territoire, nom=f"Groupe {t}-{g}")
    territoires[0].pilotes.add(pilote)
    groupes = {t.pk: list(t.groupes.order_by("pk")) for t in territoires}
    campagne, _ = Campagne.objects.get_or_create(
        annee=2016,
        semestre=2,
        territoire=None,
        defaults={
            "libelle": "S2 2016",
            "echeance": datetime.date(2017, 1, 10),
            "ouverte_par": admin,
        },
    )
    existing = Structure.objects.filter(slug__startswith="bench-s-").count()
    if existing < count:
        rows = []
        for i in range(existing, count):
            schema = schemas[i] if i < len(schemas) else f"bench_virtuel_{i:04}"
            rows.append(
                Structure(
                    nom=f"Structure bench {i:04}",
                    slug=f"bench-s-{i:04}",
                    schema_name=schema,
                    territoire=territoires[i % 9],
                )
            )
        Structure.objects.bulk_create(rows)
        through = Structure.groupes.through
        through.objects.bulk_create(
            [
                through(structure_id=s.pk, groupetravail_id=groupes[s.territoire_id][i % 3].pk)
                for i, s in enumerate(
                    Structure.objects.filter(slug__startswith="bench-s-").order_by("pk")
                )
                if not through.objects.filter(structure_id=s.pk).exists()
            ]
        )
    for i, schema in enumerate(
        schemas[:count]
    ):  # after a run with fewer --naive schemas than this one
        Structure.objects.filter(slug=f"bench-s-{i:04}").exclude(schema_name=schema).update(
            schema_name=schema
        )
    from django.db import connection

    with (
        connection.cursor() as cursor
    ):  # rebuilt each run (the model refuses deletes: bench data only)
        cursor.execute(
            "DELETE FROM reporting_instantanebilan WHERE campagne_id = %s", [campagne.pk]
        )
    rng = random.Random(2)
    snapshots = []
    for structure in Structure.objects.filter(slug__startswith="bench-s-").prefetch_related(
        "groupes"
    ):
        themes = {
            code: {"declare": round(rng.random(), 4), "confirme": round(rng.random(), 4)}
            for code in THEMES
        }
        snapshots.append(
            InstantaneBilan(
                campagne=campagne,
                structure=structure,
                structure_nom=structure.nom,
                territoire_id=structure.territoire_id,
                groupe_ids=[g.pk for g in structure.groupes.all()],
                soumis_le=timezone.now(),
                taux_declare=rng.random(),
                taux_confirme=rng.random(),
                tous_niveau1=rng.random() < 0.4,
                tous_niveau2=rng.random() < 0.2,
                taux_plan_actions=rng.random(),
                taux_participation=rng.random(),
                taux_satisfaits=rng.random(),
                reclamations=rng.randint(0, 30),
                taux_mecontents=rng.random() / 5,
                indicateurs={  # the shape ``reporting.services.snapshot_columns`` writes
                    "themes": themes,
                    "niveaux": {
                        str(n): {
                            "declare": rng.random(),
                            "confirme": rng.random(),
                            "tous_satisfaits_declare": rng.random() < 0.5,
                            "tous_satisfaits_confirme": rng.random() < 0.4,
                        }
                        for n in (1, 2)
                    },
                    "criteres_cibles": {c: rng.random() < 0.7 for c in CRITERES_CIBLES},
                    "themes_titres": THEME_TITLES,
                },
                contenu={"remarques": "bench"},
            )
        )
    InstantaneBilan.objects.bulk_create(
        snapshots, batch_size=500
    )  # bench data only (no save() guard needed)
    with connection.cursor() as cursor:
        # The rebuild above leaves dead rows that a real store (insert-only) never has:
        # vacuum them and refresh the planner's statistics, as autovacuum would.
        cursor.execute("VACUUM ANALYZE reporting_instantanebilan")
    return campagne, admin, pilote, territoires[0]


FROZEN_COLUMNS = (
    "campagne_id, taux_declare, taux_confirme, tous_niveau1, tous_niveau2, taux_plan_actions, "
    "taux_participation, taux_satisfaits, reclamations, taux_mecontents, indicateurs"
)


def freeze_figures(schemas: list[str]) -> None:
    """Each lightweight schema gets its structure's submitted figures, one row per campaign
    (what a django-tenants user would freeze in the structure's own table)."""
    from django.db import connection

    from tenants.models import Structure

    started = time.perf_counter()
    ids = dict(Structure.objects.filter(schema_name__in=schemas).values_list("schema_name", "pk"))
    with connection.cursor() as cursor:
        for name in schemas:
            cursor.execute(
                f'DROP TABLE IF EXISTS "{name}".bench_bilan_fige;'
                f'CREATE TABLE "{name}".bench_bilan_fige AS SELECT {FROZEN_COLUMNS} '
                f"FROM public.reporting_instantanebilan WHERE structure_id = %s;"
                f'CREATE INDEX ON "{name}".bench_bilan_fige (campagne_id)',
                [ids[name]],
            )
    print(f"frozen figures in {len(schemas)} schemas ({time.perf_counter() - started:.1f} s)")


def add_history(campagne, total: int) -> int:
    """Older network-wide campaigns, each with a copy of ``campagne``'s snapshots, until
    ``total`` campaigns have snapshots; returns how many have."""
    from django.db import connection

    from accompagnement.reporting.models import Campagne

    columns = (
        "structure_id, structure_nom, territoire_id, groupe_ids, soumis_le, soumis_par_id, "
        "en_retard, taux_declare, taux_confirme, tous_niveau1, tous_niveau2, taux_plan_actions, "
        "taux_participation, taux_satisfaits, reclamations, taux_mecontents, indicateurs, contenu"
    )
    have = Campagne.objects.filter(instantanes__isnull=False).distinct().count()
    for index in range(have - 1, total - 1):  # S1 2015, S2 2014, S1 2014, … (older)
        annee, semestre = 2015 - index // 2, 1 if index % 2 == 0 else 2
        older, _ = Campagne.objects.get_or_create(
            annee=annee,
            semestre=semestre,
            territoire=None,
            defaults={"libelle": f"S{semestre} {annee}", "echeance": datetime.date(annee, 7, 10)},
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO reporting_instantanebilan (campagne_id, {columns}) "
                f"SELECT %s, {columns} FROM reporting_instantanebilan WHERE campagne_id = %s "
                "ON CONFLICT DO NOTHING",
                [older.pk, campagne.pk],
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reporting_instantanebilan")
    return Campagne.objects.filter(instantanes__isnull=False).distinct().count()


def materialise_missing() -> None:
    """Rebuild the materialised figures of the campaigns that have snapshots but no row
    (the bulk inserts of this script bypass the submission service), timed."""
    from accompagnement.reporting import materialised
    from accompagnement.reporting.models import AgregatCampagne, Campagne

    missing = list(
        Campagne.objects.filter(instantanes__isnull=False)
        .exclude(pk__in=AgregatCampagne.objects.values("campagne_id"))
        .distinct()
        .values_list("pk", flat=True)
    )
    if not missing:
        return
    started = time.perf_counter()
    rows = materialised.rebuild(missing)
    elapsed = time.perf_counter() - started
    print(
        f"materialised figures rebuilt: {len(missing)} campaign(s), {rows} scope rows, "
        f"{elapsed:.1f} s ({elapsed / len(missing) * 1000:.0f} ms per campaign)",
        flush=True,
    )


def measure_submission_cost(campagne) -> float:
    """What a submission adds: recompute one structure's scopes (network, territory, group,
    group within the territory), median of 5, each in its own transaction."""
    from django.db import transaction

    from accompagnement.reporting import materialised
    from accompagnement.reporting.models import InstantaneBilan

    snapshot = InstantaneBilan.objects.filter(campagne=campagne).order_by("pk").first()
    assert snapshot is not None
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        with transaction.atomic():
            materialised.record(snapshot)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure_live(admin, campagne) -> dict:
    """The network request with the campaign's figures computed live (its rows removed
    for the measure, then rebuilt)."""
    from accompagnement.reporting import materialised
    from accompagnement.reporting.models import AgregatCampagne

    AgregatCampagne.objects.filter(campagne=campagne).delete()
    try:
        return measure_endpoint(admin, {"campagne": campagne.pk})
    finally:
        materialised.rebuild([campagne.pk])


def _means(rows: list[tuple]) -> dict:
    """The headline means and theme means of frozen rows (what the peer computes)."""
    figures = {
        name: statistics.fmean(r[index] for r in rows if r[index] is not None)
        for index, name in ((1, "declare"), (2, "confirme"))
    }
    details = [json.loads(r[10]) if isinstance(r[10], str) else r[10] for r in rows]
    for code in THEMES:
        values = [d["themes"][code]["declare"] for d in details if d]
        figures[code] = statistics.fmean(values) if values else None
    return figures


def measure_fair_loop(campagne, schemas: list[str], *, cold: bool) -> float:
    """Switch to each structure's schema and read its one frozen row (warm: on this
    connection; cold: on a new connection, whose catalog cache is empty)."""
    from django.db import connection

    from tenants.models import Structure

    structures = list(Structure.objects.filter(schema_name__in=schemas).order_by("pk"))
    if cold:
        connection.close()
    started = time.perf_counter()
    rows = []
    for structure in structures:
        connection.set_tenant(structure)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {FROZEN_COLUMNS} FROM bench_bilan_fige WHERE campagne_id = %s",
                [campagne.pk],
            )
            rows.extend(cursor.fetchall())
    connection.set_schema_to_public()
    _means(rows)
    return (time.perf_counter() - started) * 1000


def measure_union_all(campagne, schemas: list[str]) -> float:
    """One query across every schema's frozen row (the best a schema-per-tenant peer does)."""
    from django.db import connection

    union = " UNION ALL ".join(
        f'SELECT {FROZEN_COLUMNS} FROM "{name}".bench_bilan_fige WHERE campagne_id = %(c)s'
        for name in schemas
    )
    themes = ", ".join(
        f"avg((f.indicateurs->'themes'->'{code}'->>'declare')::float8)" for code in THEMES
    )
    sql = f"SELECT count(*), avg(f.taux_declare), avg(f.taux_confirme), {themes} FROM ({union}) f"
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, {"c": campagne.pk})
            cursor.fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure_endpoint(user, params: dict, runs: int = 15) -> dict:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/consolidation/", params)
    assert response.status_code == 200, response.content[:300]
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/consolidation/", params)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "wall": statistics.median(timings),
        "p95": statistics.quantiles(timings, n=20)[18],
        "cpu": statistics.median(cpu),
        "rows": len(response.json()["structures"]),
        "size": len(response.content),
    }


def measure_naive(campagne, count: int) -> float:
    from django.db import connection

    from accompagnement.bilans.selectors import review_figures
    from tenants.models import Structure

    structures = list(Structure.objects.filter(slug__startswith="bench-s-").order_by("pk")[:count])
    started = time.perf_counter()
    declared = []
    for structure in structures:
        connection.set_tenant(structure)
        figures = review_figures(structure, campagne)
        declared.append((figures["diagnostic"] or {}).get("declare"))
    connection.set_schema_to_public()
    statistics.fmean(value for value in declared if value is not None)
    return (time.perf_counter() - started) * 1000


def report(label: str, figures: dict) -> None:
    print(
        f"consolidation endpoint, {label} ({figures['rows']} structures, "
        f"{figures['size'] / 1000:.0f} kB): {figures['wall']:.1f} ms wall "
        f"(p95 {figures['p95']:.1f} ms), {figures['cpu']:.1f} ms CPU of the Django process "
        "(medians of 15)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--structures", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=1000, help="schemas walked by the loops")
    parser.add_argument("--campaigns", type=int, default=100, help="campaigns of history")
    args = parser.parse_args()
    prepare_database()
    version = build_frame()
    source = build_source(version)
    schemas = build_light_schemas(source, args.naive)
    campagne, admin, pilote, territoire = build_network(args.structures, schemas, version)
    from accompagnement.reporting.models import Campagne

    load = os.getloadavg()[0]
    print(f"machine load average at start: {load:.1f} on {os.cpu_count()} CPUs")
    history = Campagne.objects.filter(instantanes__isnull=False).distinct().count()
    materialise_missing()
    network = measure_endpoint(admin, {"campagne": campagne.pk})
    territory = measure_endpoint(pilote, {"campagne": campagne.pk, "territoire": territoire.pk})
    report(f"network, {history} campaign(s) of history", network)
    report(f"one territory, {history} campaign(s)", territory)
    if args.campaigns > history:
        history = add_history(campagne, args.campaigns)
        materialise_missing()
        first = network
        network = measure_endpoint(admin, {"campagne": campagne.pk})
        report(f"network, {history} campaigns of history", network)
        report(
            f"one territory, {history} campaigns",
            measure_endpoint(pilote, {"campagne": campagne.pk, "territoire": territoire.pk}),
        )
        print(f"history: {network['wall'] / first['wall']:.2f}x the first figure (target <= 1.2)")
    report(
        f"network computed live (not materialised), {history} campaigns",
        measure_live(admin, campagne),
    )
    print(
        f"a submission recomputes its 4 scopes: {measure_submission_cost(campagne):.0f} ms "
        "(median of 5)",
        flush=True,
    )
    freeze_figures(schemas)
    scale = args.structures / args.naive
    extrapolated = " (extrapolated linearly)" if args.naive != args.structures else ""
    warm = measure_fair_loop(campagne, schemas, cold=False)
    warm = min(warm, measure_fair_loop(campagne, schemas, cold=False))
    cold = measure_fair_loop(campagne, schemas, cold=True)
    from django.db import OperationalError, connection

    try:
        union: float | None = measure_union_all(campagne, schemas)
    except OperationalError as error:  # 1,000 tables in one query: the lock table may be full
        print(f"one UNION ALL query over {args.naive} schemas failed: {error}".splitlines()[0])
        connection.close()
        union = None
    print(
        f"fair loop (one frozen row per schema) over {args.naive} schemas: warm {warm:.0f} ms, "
        f"cold {cold:.0f} ms"
    )
    if union is not None:
        print(f"one UNION ALL query over {args.naive} schemas' frozen rows: {union:.0f} ms")
    # The machine's load changes during a run: the ratios use the endpoint measured again
    # right after the peers, under the same load.
    beside = measure_endpoint(admin, {"campagne": campagne.pk})
    report(f"network, {history} campaigns, measured again right after the peers", beside)
    endpoint = beside["wall"]
    print(
        f"speed-up of the store (network, {history} campaigns): "
        f"{warm * scale / endpoint:.0f}x the warm fair loop, "
        f"{cold * scale / endpoint:.0f}x cold"
        + (f", {union * scale / endpoint:.1f}x the UNION ALL" if union is not None else "")
        + " (target >= 50x warm)"
    )
    try:
        naive_ms = measure_naive(campagne, args.naive)
    except OperationalError as error:  # the lock table filled by other sessions
        print(f"naive loop over {args.naive} schemas failed: {error}".splitlines()[0])
        return
    print(
        f"naive loop (recomputes each review, reference only) over {args.naive} schemas: "
        f"{naive_ms:.0f} ms -> {naive_ms * scale:.0f} ms for {args.structures}{extrapolated}"
    )


if __name__ == "__main__":
    main()
