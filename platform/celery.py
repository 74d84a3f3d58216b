"""The Celery app: ``python -m celery -A platform.celery worker`` from the repository root.

tenant-schemas-celery records the sender's schema in every task's headers and runs the
task in that schema. Tasks that touch one structure's data inherit from ``TenantTask``.
Without ``CELERY_BROKER_URL`` tasks run eagerly, in-process (see settings).
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")

app = CeleryApp("qualireseau")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
