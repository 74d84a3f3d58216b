"""Periodic task: review campaign reminders (J-7, J+1), idempotent through the outbox."""

from celery import shared_task

from accompagnement.reporting import services


@shared_task(bind=True)
def send_campaign_reminders(self) -> int:
    return services.send_campaign_reminders()
