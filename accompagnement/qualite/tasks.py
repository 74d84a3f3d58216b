"""Daily reminders of the controlled documents to review (thin wrapper)."""

from celery import shared_task
from django.utils import timezone

from accompagnement.qualite import services


@shared_task(acks_late=True)
def remind_document_reviews() -> int:
    return services.remind_document_reviews_everywhere(today=timezone.localdate())
