"""Periodic reminders (thin: the logic is in ``reminders``; idempotent by outbox keys)."""

from celery import shared_task

from accompagnement.groupes import reminders


@shared_task(bind=True)
def send_reminders(self) -> dict:
    return {
        "reunions": reminders.remind_meetings(),
        "livrables": reminders.remind_waiting_deliverables(),
        "actions": reminders.remind_actions(),
    }
