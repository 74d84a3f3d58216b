"""The template schema new structures are cloned from (see tenants/provisioning.py).

A technical ``Structure`` row (no domain, so no URL; excluded by ``reelles()``) makes
``migrate_schemas --tenant`` migrate the template with every structure.
"""

from django.db import migrations

TEMPLATE_SCHEMA = "tenant_template"


def create_template(apps, schema_editor):
    schema_editor.execute(f'CREATE SCHEMA IF NOT EXISTS "{TEMPLATE_SCHEMA}"')
    Structure = apps.get_model("tenants", "Structure")
    Structure.objects.get_or_create(
        schema_name=TEMPLATE_SCHEMA,
        defaults={"nom": "Modèle de structure (technique)", "slug": "modele-technique"},
    )


def delete_template(apps, schema_editor):
    apps.get_model("tenants", "Structure").objects.filter(schema_name=TEMPLATE_SCHEMA).delete()
    schema_editor.execute(f'DROP SCHEMA IF EXISTS "{TEMPLATE_SCHEMA}" CASCADE')


class Migration(migrations.Migration):
    dependencies = [("tenants", "0002_public_tenant")]

    operations = [migrations.RunPython(create_template, delete_template)]
