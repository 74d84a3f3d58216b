from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """The composition root as an app with no models: once Django is set up (manage.py,
    WSGI/ASGI, pytest, the Celery worker), the Celery app exists and is configured, so the
    apps' ``shared_task`` functions bind to it (eager without a broker) instead of to
    Celery's unconfigured default app."""

    name = "platform"
    label = "platform"
    verbose_name = "Plateforme"

    def ready(self) -> None:
        from platform.celery import app  # noqa: F401
