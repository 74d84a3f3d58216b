"""The Celery app: ``python -m celery -A platform.celery worker`` from the repository root.

tenant-schemas-celery records the sender's schema in every task's headers and runs the
task in that schema. Tasks that touch one structure's data inherit from ``TenantTask``.
Without ``CELERY_BROKER_URL`` tasks run eagerly, in-process (see settings).

Queues (settings ``CELERY_TASK_ROUTES``): ``jobs`` (imports, exports), ``emails`` (the
outbox) and ``celery`` (periodic tasks). Development: ``make worker`` consumes all three
and runs beat inside the worker (``-B``); production runs one worker per queue and one
beat (deploy/). The durable records behind the tasks are in ``core.jobs`` and
``core.outbox``; see docs/operations.md.
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")

app = CeleryApp("qualireseau")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
