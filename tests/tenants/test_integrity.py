"""Cross-schema references carry no database constraint (no trigger on public tables per
structure); ``check_integrity`` finds the dangling ones in every schema."""

from __future__ import annotations

import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context

from accompagnement.groupes.models import TypeLivrable
from accompagnement.livrables.models import Livrable, LivrableVersion
from tenants.models import User
from tenants.operations import integrity

FK_TO_PUBLIC_SQL = """
SELECT count(*) FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class t ON t.oid = k.confrelid
WHERE k.contype = 'f' AND c.relnamespace = %s::regnamespace
  AND t.relnamespace = 'public'::regnamespace
"""

USER_TRIGGERS_SQL = (
    "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.tenants_user'::regclass"
)


def _dangling_livrable(schema_name: str) -> Livrable:
    missing = (
        TypeLivrable.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1000
    with schema_context(schema_name):
        return Livrable.objects.create(type_livrable_id=missing, titre="Livrable orphelin")


def test_structure_schemas_have_no_foreign_key_to_public(network):
    with connection.cursor() as cursor:
        for schema in (network.structure.schema_name, "tenant_template"):
            cursor.execute(FK_TO_PUBLIC_SQL, [schema])
            assert cursor.fetchone()[0] == 0, schema
        # Foreign keys inside a structure's schema keep their constraint.
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
            "AND connamespace = %s::regnamespace",
            [network.structure.schema_name],
        )
        assert cursor.fetchone()[0] > 10


def test_triggers_on_people_do_not_grow_with_structures(network):
    from tenants import services

    with connection.cursor() as cursor:
        cursor.execute(USER_TRIGGERS_SQL)
        before = cursor.fetchone()[0]
        services.create_structure(nom="Gamma", slug="gamma-integrity", type="SAAD")
        cursor.execute(USER_TRIGGERS_SQL)
        assert cursor.fetchone()[0] == before


def test_references_are_found_by_introspection():
    labels = {ref.label for ref in integrity.cross_schema_references()}
    assert "livrables_livrable.type_livrable_id → groupes_typelivrable.id" in labels
    assert "diagnostics_reponse.critere_id → referentiels_critere.id" in labels
    assert "bilans_bilanstructure.campagne_id → reporting_campagne.id" in labels
    assert "plans_action_criteres.critere_id → referentiels_critere.id" in labels
    assert "plans_actiontransition.user_id → tenants_user.id" in labels
    # A reference inside the schema is not a cross-schema one.
    assert not any(label.startswith("plans_action_criteres.action_id") for label in labels)


def test_clean_schemas_pass(network, capsys):
    TypeLivrable.objects.create(code="ok-integrite", libelle="Type valide")
    with schema_context(network.structure.schema_name):
        Livrable.objects.create(
            type_livrable=TypeLivrable.objects.get(code="ok-integrite"), titre="Valide"
        )
    call_command("check_integrity", schema=[network.structure.schema_name])
    out = capsys.readouterr().out
    count = len(integrity.cross_schema_references())
    assert count > 20
    assert f"1 schéma(s), {count} référence(s) inter-schémas vérifiées" in out
    assert integrity.find_dangling_references([network.structure.schema_name]) == []


def test_dangling_reference_is_reported(network, capsys):
    livrable = _dangling_livrable(network.structure.schema_name)
    schemas = [network.structure.schema_name, network.other_structure.schema_name]
    with pytest.raises(CommandError) as error:
        call_command("check_integrity", schema=schemas)
    assert error.value.returncode == 1
    out = capsys.readouterr().out
    assert f"{network.structure.schema_name} : livrables_livrable.type_livrable_id" in out
    assert str(livrable.type_livrable_id) in out
    assert network.other_structure.schema_name + " :" not in out
    # A dangling person, in the other schema, is found too and told apart.
    ghost = User.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    with schema_context(network.other_structure.schema_name):
        valid = Livrable.objects.create(
            type_livrable=TypeLivrable.objects.create(code="ok-integrite", libelle="Type"),
            titre="Valide",
        )
        LivrableVersion.objects.create(
            livrable=valid, numero=1, fichier="livrables/x.pdf", uploaded_by_id=ghost
        )
    found = {
        (item.schema_name, item.reference.label, item.samples)
        for item in integrity.find_dangling_references(schemas)
    }
    assert found == {
        (
            network.structure.schema_name,
            "livrables_livrable.type_livrable_id → groupes_typelivrable.id",
            (str(livrable.type_livrable_id),),
        ),
        (
            network.other_structure.schema_name,
            "livrables_livrableversion.uploaded_by_id → tenants_user.id",
            (str(ghost),),
        ),
    }


def test_periodic_task_logs_dangling_references(network, caplog):
    _dangling_livrable(network.structure.schema_name)
    with caplog.at_level(logging.ERROR, logger="tenants.operations.integrity"):
        assert integrity.check_integrity_task.apply().get() >= 1
    assert network.structure.schema_name in caplog.text
    assert "livrables_livrable.type_livrable_id" in caplog.text
