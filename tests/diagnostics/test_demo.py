"""The demo loader builds, once, the demo structure's submitted and partly confirmed
self-diagnosis, and another staffed structure's fully confirmed one."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from django.db.models import F
from django_tenants.utils import schema_context

from accompagnement.diagnostics import demo
from accompagnement.diagnostics.models import Autodiagnostic, Confirmation
from referentiels import services as referentiels_services
from tenants.demo import calendar

SAMPLE = (
    Path(__file__).resolve().parents[2] / "referentiels" / "data" / "realisation_prestations.yaml"
)


def _demo_network(network):
    staff = {
        network.structure.slug: {"referent": network.user("referent")},
        network.other_structure.slug: {"directeur": network.user("directeur_autre")},
    }
    return SimpleNamespace(
        demo_structure=network.structure,
        staffed_structures=[network.structure, network.other_structure],
        member=lambda structure, role: staff[structure.slug].get(role),
    )


def test_demo_is_idempotent_and_skips_without_the_sample(network):
    fake = _demo_network(network)
    demo.load_demo(fake)  # sample not loaded yet: nothing
    with schema_context(network.structure.schema_name):
        assert not Autodiagnostic.objects.exists()
    referentiels_services.load_sample(path=SAMPLE, publish=True)
    demo.load_demo(fake)
    demo.load_demo(fake)
    with schema_context(network.structure.schema_name):
        assert list(Autodiagnostic.objects.order_by("annee").values_list("annee", "statut")) == [
            (calendar().last_year, "soumis"),
            (calendar().year, "brouillon"),
        ]
        assert Confirmation.objects.count() == 20
        assert (
            Autodiagnostic.objects.get(annee=calendar().year)
            .reponses.filter(valeur__isnull=False)
            .count()
            == 49
        )
    with schema_context(network.other_structure.schema_name):
        autodiagnostic = Autodiagnostic.objects.get()
        assert (autodiagnostic.annee, autodiagnostic.statut) == (calendar().last_year, "confirme")
        assert Confirmation.objects.count() == 49
        lowered = Confirmation.objects.exclude(valeur=F("reponse__valeur")).count()
        assert 0 < lowered < 49  # the expert corrected some answers, not all
