"""Platform tasks: outbox delivery (thin wrappers over platform.outbox)."""

from platform import outbox
from platform.celery import app


@app.task(acks_late=True)
def deliver_outbox_message(message_id: int) -> bool:
    return outbox.deliver(message_id)


@app.task(acks_late=True)
def deliver_pending_outbox() -> int:
    return outbox.deliver_pending()
