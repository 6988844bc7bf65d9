"""The API's background work: idempotency keys past their time go (daily, settings' beat)."""

from celery import shared_task

from . import idempotency


@shared_task(acks_late=True)
def remove_expired_idempotency_keys():
    """Safe to run again or late: it removes what is older than the keeping time."""
    return idempotency.remove_expired()
