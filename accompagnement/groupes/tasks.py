"""Periodic reminders (thin: the logic is in ``reminders``; idempotent by outbox keys)."""

from accompagnement.groupes import reminders

from platform.celery import app


@app.task(bind=True)
def send_reminders(self) -> dict:
    return {
        "reunions": reminders.remind_meetings(),
        "livrables": reminders.remind_waiting_deliverables(),
        "actions": reminders.remind_actions(),
    }
