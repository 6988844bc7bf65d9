"""How long opportunities are kept when nobody does anything with them.

A draft that nobody touched for PRIVACY_STALE_DRAFT_DAYS is removed (nightly, vacancies/tasks.py):
it was never public, and its text may hold what the poster no longer wants kept. Published,
closed and expired opportunities stay: they are the organisation's history and feed the reports
(their candidates' text goes when they close: vacancies/privacy.py).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .lifecycle import OPPORTUNITY_MODELS
from .models import Status


def stale_drafts(model, now):
    cutoff = now - timedelta(days=settings.PRIVACY_STALE_DRAFT_DAYS)
    return model.objects.filter(status=Status.DRAFT, updated_at__lt=cutoff)


def remove_stale_drafts(now=None):
    """Delete the stale drafts of every kind; returns how many went. Safe to run again."""
    now = now or timezone.now()
    removed = 0
    for model in OPPORTUNITY_MODELS:
        # Counted first: delete() also counts the rows that go with a draft (its supports).
        drafts = stale_drafts(model, now)
        removed += drafts.count()
        drafts.delete()
    return removed
