"""The demo loader is idempotent: a second run changes nothing."""

from django.apps import apps
from django.db import connection


def _counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [f"public.{table}"])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(f'SELECT count(*) FROM public."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _tenant_counts(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_demo_loader_is_idempotent(db, settings):
    from tenants.demo import load_demo

    network = load_demo(password="demo-test-password")
    assert len(network.structures) == 10
    assert len(network.territoires) == 3
    first = _counts()
    schemas = [structure.schema_name for structure in network.staffed_structures]
    first_tenant = {schema: _tenant_counts(schema) for schema in schemas}
    load_demo(password="demo-test-password")
    assert _counts() == first
    assert {schema: _tenant_counts(schema) for schema in schemas} == first_tenant


def test_demo_network_has_submitted_reviews_with_figures(db, settings):
    """Six staffed structures submitted the review of the semester just ended through the
    services, on time; the demo structure's own review is left for the demo référent and is
    not late yet (the demo is dated relative to today)."""
    from accompagnement.reporting import selectors
    from accompagnement.reporting.models import Campagne, InstantaneBilan
    from tenants.demo import calendar, load_demo

    network = load_demo(password="demo-test-password")
    campagne = Campagne.objects.get(libelle=calendar().review_label)
    assert campagne.echeance > calendar().today
    submitted = InstantaneBilan.objects.filter(campagne=campagne)
    assert submitted.count() == 6
    assert not submitted.filter(en_retard=True).exists()
    from django.utils import timezone

    from accompagnement.groupes.models import ReunionCollective

    hours = {timezone.localtime(r.date).hour for r in ReunionCollective.objects.all()}
    assert hours and hours <= {9, 14}  # office hours, Paris time
    assert not submitted.filter(structure=network.demo_structure).exists()
    result = selectors.consolidate(selectors.Scope(campagne=campagne))
    module = result["module"]
    assert 0 < module["confirme"] < module["declare"] < 1  # the experts lowered some answers
    assert result["familles"]["impact"]["taux_satisfaits"] is not None
    assert result["familles"]["impact"]["reclamations"] > 0
    assert len(result["themes"]) == 6
    assert result["part_tous_niveau1"] == 2 / 6  # Dunkerque and Toulouse
    assert result["bilans"]["manquants"] == sorted(result["bilans"]["manquants"])
    assert network.demo_structure.nom in result["bilans"]["manquants"]


def test_demo_refused_in_production(db, settings):
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from tenants.demo import load_demo

    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        load_demo()
