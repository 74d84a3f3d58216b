from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel, with one table of its own: the outbox (public schema)."""

    name = "core"
    label = "core"
    verbose_name = "Noyau"
