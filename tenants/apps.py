from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Réseau : structures, territoires, personnes"

    def ready(self):
        from tenants import auth_events  # noqa: F401 - connects the audit receivers
