"""Daily retention of the registers' entries (thin wrapper over ``retention``)."""

from celery import shared_task
from django.utils import timezone

from accompagnement.registres import retention


@shared_task(acks_late=True)
def apply_retention() -> dict[str, int]:
    return retention.apply_retention_everywhere(today=timezone.localdate())
