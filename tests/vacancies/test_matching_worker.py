"""The fault the outbox and the matching sweep exist for: Redis is down while work is published."""

import time

import pytest
from django.db import transaction
from django.utils import timezone

from portal.models import Notification, ServiceCategory
from tests.conftest import broker_down, finished
from tests.factories import (
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
    postcode,
)
from vacancies import lifecycle
from vacancies.models import Match
from vacancies.tasks import match_unmatched_opportunities

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def eventually(check, timeout=20):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_publishing_with_redis_down_succeeds_and_everyone_hears_once_redis_is_back(
    celery_worker, smtp_sink
):
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
    category = ServiceCategory.objects.get(slug="groenonderhoud")
    # Verified: it publishes at once (an unverified one waits for the regie, test_moderation.py).
    employer = OrganisationFactory(postcode=postcode("3700"), verified_at=timezone.now())
    poster = OwnerFactory(organisation=employer).user
    enterprise = SocialEnterpriseFactory(postcode=postcode("3500"), verified_at=timezone.now())
    OfferedServiceFactory(organisation=enterprise, category=category, radius_km=50)
    members = [OwnerFactory(organisation=enterprise).user for _ in range(2)]
    draft = ServiceRequestFactory(organisation=employer, category=category)

    with broker_down(), transaction.atomic():
        lifecycle.publish(draft, by=poster)
    draft.refresh_from_db()
    assert draft.status == "published"  # the poster's step succeeded
    assert draft.matched_at is None and not Match.objects.exists()

    # Redis is back: beat's sweeps run in the worker, twice, as they would minute after minute.
    for _ in range(2):
        finished(match_unmatched_opportunities.delay())
    from portal.tasks import sweep_notifications

    for _ in range(2):
        finished(sweep_notifications.delay())

    messages = smtp_sink.wait_for(len(members))
    assert sorted(message["To"] for message in messages) == sorted(m.email for m in members)
    assert eventually(
        lambda: set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    )
    # One row per member (the dedupe keys), each sent once.
    assert Notification.objects.filter(kind="opportunity_match").count() == len(members)
    assert len(smtp_sink.messages) == len(members)
    assert Match.objects.count() == 1
