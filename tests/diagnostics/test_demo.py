"""The demo loader builds a submitted, partly confirmed self-diagnosis, once."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from django_tenants.utils import schema_context

from accompagnement.diagnostics import demo
from accompagnement.diagnostics.models import Autodiagnostic, Confirmation
from referentiels import services as referentiels_services

SAMPLE = Path(__file__).resolve().parents[2] / "referentiels" / "data" / "realisation_prestations.yaml"


def test_demo_is_idempotent_and_skips_without_the_sample(network):
    fake = SimpleNamespace(
        users={"referent@demo.test": network.user("referent"), "expert@demo.test": network.user("expert")},
        demo_structure=network.structure,
    )
    demo.load_demo(fake)  # sample not loaded yet: nothing
    with schema_context(network.structure.schema_name):
        assert not Autodiagnostic.objects.exists()
    referentiels_services.load_sample(path=SAMPLE, publish=True)
    demo.load_demo(fake)
    demo.load_demo(fake)
    with schema_context(network.structure.schema_name):
        assert list(Autodiagnostic.objects.order_by("annee").values_list("annee", "statut")) == [
            (2016, "soumis"), (2017, "brouillon")]
        assert Confirmation.objects.count() == 20
        assert Autodiagnostic.objects.get(annee=2017).reponses.filter(valeur__isnull=False).count() == 49
