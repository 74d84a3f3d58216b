from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """Platform infrastructure with tables: the outbox of side effects (public schema)."""

    name = "platform"
    label = "platform"
    verbose_name = "Plateforme"
