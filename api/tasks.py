"""The API's and open data's work in the background, scheduled by Celery beat
(CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import dumps, idempotency


@shared_task(acks_late=True)
def remove_expired_idempotency_keys():
    """Daily: idempotency keys past their time go. Safe to run again or late: it removes what
    is older than the keeping time."""
    return idempotency.remove_expired()


@shared_task(acks_late=True)
def write_open_data():
    """Beat, nightly: the public directory as CSV and JSON for /open-data/ (api/dumps.py).

    Safe to run again or twice at once: each run writes its own temporary files and renames
    them over the previous ones, so the files are always those of one complete run."""
    index = dumps.write()
    return {"records": index["records"], "generated_at": index["generated_at"]}
