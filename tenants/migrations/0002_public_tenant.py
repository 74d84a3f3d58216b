"""Create the public tenant row django-tenants routes network pages to."""

from django.db import migrations


def create_public_tenant(apps, schema_editor):
    Structure = apps.get_model("tenants", "Structure")
    Domain = apps.get_model("tenants", "Domain")
    public, _ = Structure.objects.get_or_create(
        schema_name="public", defaults={"nom": "Réseau", "slug": "reseau-public"}
    )
    Domain.objects.get_or_create(domain="reseau-public", defaults={"tenant": public, "is_primary": True})


def delete_public_tenant(apps, schema_editor):
    apps.get_model("tenants", "Domain").objects.filter(tenant__schema_name="public").delete()
    apps.get_model("tenants", "Structure").objects.filter(schema_name="public").delete()


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [migrations.RunPython(create_public_tenant, delete_public_tenant)]
