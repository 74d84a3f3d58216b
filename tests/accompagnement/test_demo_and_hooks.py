"""Demo loaders are idempotent; menus and to-dos speak for our apps."""

from __future__ import annotations

from types import SimpleNamespace

from django_tenants.utils import schema_context

from accompagnement.groupes import demo as groupes_demo
from accompagnement.groupes.models import (
    ActionCollective,
    Emargement,
    ReunionCollective,
    TypeLivrable,
)
from accompagnement.livrables import demo as livrables_demo
from accompagnement.livrables.models import LivrableVersion
from accompagnement.plans import demo as plans_demo
from accompagnement.plans.models import Action


def _demo_network(network):
    return SimpleNamespace(
        groupes={groupes_demo.GROUPE: network.groupe},
        users={
            "expert@demo.test": network.user("expert"),
            "directeur@demo.test": network.user("directeur"),
            "referent@demo.test": network.user("referent"),
        },
        structures={"aide-domicile-lille": network.structure},
        demo_structure=network.structure,
    )


def test_demo_loads_twice_without_duplicates(network):
    demo = _demo_network(network)
    for _run in range(2):
        for module in (groupes_demo, plans_demo, livrables_demo):
            module.load_demo(demo)
    assert TypeLivrable.objects.count() == 8
    assert ReunionCollective.objects.filter(groupe=network.groupe).count() == 2
    assert Emargement.objects.filter(reunion__groupe=network.groupe).count() == 1
    assert ActionCollective.objects.filter(groupe=network.groupe).count() == 1
    with schema_context(network.structure.schema_name):
        assert Action.objects.filter(origine="plan_collectif").count() == 1
        assert Action.objects.count() == 5
        assert sorted(LivrableVersion.objects.values_list("statut", flat=True)) == [
            "soumis",
            "valide",
        ]


def test_menus_and_todos(network, client_for):
    demo = _demo_network(network)
    for module in (groupes_demo, plans_demo, livrables_demo):
        module.load_demo(demo)
    home = client_for(network.user("expert")).get("/").content.decode()
    assert "Livrables à valider" in home and "1 livrable à valider" in home
    page = client_for(network.user("referent")).get("/s/alpha/").content.decode()
    assert "Plan d&#x27;actions" in page and "1 action en retard" in page
