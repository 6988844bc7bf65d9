"""Work on opportunities in the background.

Matching runs once an opportunity is published (enqueued on commit by vacancies/lifecycle.py);
expiring and reminding run daily, scheduled by Celery beat (CELERY_BEAT_SCHEDULE in settings).

The daily tasks are safe to run again, or late: they act on the state of the rows (what is still
published past its closing date; which closing date a reminder went out for), not on the day
they run.
"""

from celery import shared_task
from django.utils import timezone

from portal.models import Frequency

from . import lifecycle, matching, retention, saved_searches


@shared_task(acks_late=True)
def expire_opportunities():
    """Mark published opportunities whose closing date has passed as expired."""
    return lifecycle.expire_due(timezone.localdate())


@shared_task(acks_late=True)
def remind_expiring_opportunities():
    """Remind posters, once per closing date, that an opportunity closes in a few days."""
    return lifecycle.remind_expiring(timezone.localdate())


@shared_task(acks_late=True)
def match_opportunity(kind, pk):
    """Match a published opportunity with social enterprises and tell them (vacancies/matching.py).

    It reads the row afresh: by the time a worker runs this, the opportunity may have been
    closed or changed. Running it twice adds nothing (matching is idempotent).
    """
    model = {name: model for model, name in matching.KIND_NAMES.items()}[kind]
    wanted = "sector" if kind == "vacancy" else "category"
    opportunity = (
        model.objects.published()
        .filter(pk=pk)
        .select_related("organisation", "municipality", "postcode", wanted)
        .first()
    )
    if opportunity is None:
        return 0
    return matching.match(opportunity)


@shared_task
def match_unmatched_opportunities():
    """Beat, every five minutes: match what was published while matching could not run.

    A publication enqueues its matching on commit; when the broker was down then, or a worker
    died half-way, the opportunity keeps an empty matched_at and is picked up here.
    """
    total = 0
    for model, kind in matching.KIND_NAMES.items():
        for opportunity in matching.unmatched(model):
            total += match_opportunity(kind, opportunity.pk)
    return total


@shared_task
def remove_stale_drafts():
    """Beat, nightly: remove drafts nobody touched for PRIVACY_STALE_DRAFT_DAYS (retention.py)."""
    return retention.remove_stale_drafts()


@shared_task
def send_daily_saved_searches():
    """Beat, every morning: the new results of the searches saved with a daily email."""
    return saved_searches.send_saved_search_digests(Frequency.DAILY)


@shared_task
def send_weekly_saved_searches():
    """Beat, Monday mornings: the new results of the searches saved with a weekly email."""
    return saved_searches.send_saved_search_digests(Frequency.WEEKLY)
