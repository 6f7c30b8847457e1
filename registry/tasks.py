"""Background work of the registry app: webhook delivery."""

from django_tasks import task


@task()
def deliver_webhook(delivery_id: int) -> bool:
    """POST one outbox row to its client's webhook; retry later if it fails.

    Idempotent: a delivery that is not due, already delivered, or being sent by
    another worker is left alone. Returns True when the client acknowledged it.
    """
    from registry import services

    return services.deliver(delivery_id)


@task()
def send_due_webhooks() -> int:
    """Send every delivery whose next attempt is due; run it every minute.

    Catches retries when the task backend cannot defer jobs, and rows whose first
    enqueue was lost (queue down). Safe to run in several workers at once.
    """
    from registry import services

    return services.send_due_webhooks()
