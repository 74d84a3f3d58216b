"""Periodic task: review campaign reminders (J-7, J+1), idempotent through the outbox."""

from accompagnement.reporting import services

from platform.celery import app


@app.task(bind=True)
def send_campaign_reminders(self) -> int:
    return services.send_campaign_reminders()
