"""Was the deal carried out? (events/deals.py): both sides are asked 3, 6 and 12 months on,
from the expected start (or the day of recording, when later), by a signed link that needs no
login, answers once per side and period, and writes nothing on GET."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core import signing
from django.utils import timezone

from companies import collaborations
from events import deals, tasks
from events.models import DealFollowUp
from portal.models import Notification
from tests.events import outcome_world
from tests.factories import MembershipFactory

YES = {"carried_out": "yes"}

# The made-up event that happened (tests/events/outcome_world.py).
met = outcome_world.met


@pytest.fixture
def deal(met):
    return deals.record(
        met.meeting,
        by=met.firm_member,
        what="Groenonderhoud",
        role="client",
        category=met.category,
        expected_start=timezone.localdate() + timedelta(days=10),
    )


def test_the_months_count_from_the_expected_start_or_the_recording_when_later(deal):
    start = timezone.localdate() + timedelta(days=10)
    assert deals.counted_from(deal) == start
    assert deals.due_on(deal, 3) == start + relativedelta(months=3)
    deal.expected_start = timezone.localdate() - timedelta(days=1)
    assert deals.counted_from(deal) == timezone.localdate()


def test_the_beat_asks_both_sides_once_for_the_period_that_is_due(met, deal):
    second = MembershipFactory(organisation=met.enterprise.organisation).user
    start = deals.counted_from(deal)
    assert deals.ask_due(today=start + relativedelta(months=3) - timedelta(days=1)) == 0
    assert not Notification.objects.filter(kind="event_deal").exists()
    three = start + relativedelta(months=3)
    assert deals.ask_due(today=three) == 1
    rows = Notification.objects.filter(kind="event_deal")
    assert {row.recipient for row in rows} == {met.firm_member, met.enterprise_member, second}
    assert all(f":{3}:" in row.key for row in rows)
    # Again, or late the next days: nothing new.
    deals.ask_due(today=three)
    tasks.ask_deal_follow_ups.apply(kwargs={})
    deals.ask_due(today=three + timedelta(days=5))
    assert Notification.objects.filter(kind="event_deal").count() == 3
    # A side that answered is not asked again for that period; at six months both are.
    DealFollowUp.objects.create(
        deal=deal, months=3, organisation=met.firm.organisation, carried_out=True
    )
    six = start + relativedelta(months=6)
    deals.ask_due(today=six)
    assert Notification.objects.filter(kind="event_deal", key__contains=":6:").count() == 3
    # Beyond the last period's link: nothing more.
    assert deals.ask_due(today=start + relativedelta(months=12) + timedelta(days=61)) == 0


def test_a_disputed_or_withdrawn_deal_is_not_followed_up(met, deal):
    collaborations.dispute(
        deal.collaboration, organisation=met.enterprise.organisation, by=met.enterprise_member
    )
    assert deals.ask_due(today=deals.due_on(deal, 3)) == 0


def test_the_email_is_in_the_recipients_language_with_the_link(met, deal):
    met.enterprise_member.language = "fr"
    met.enterprise_member.save()
    deals.ask_due(today=deals.due_on(deal, 3))
    french = Notification.objects.get(kind="event_deal", recipient=met.enterprise_member)
    assert "/fr/events/deals/follow-up/" in french.body
    dutch = Notification.objects.get(kind="event_deal", recipient=met.firm_member)
    assert "/events/deals/follow-up/" in dutch.body and "/fr/" not in dutch.body


def link(deal, organisation, months=3):
    return f"/en/events/deals/follow-up/{deals.token(deal, organisation, months)}/"


def test_get_shows_the_question_and_writes_nothing(client, met, deal):
    response = client.get(link(deal, met.firm.organisation))
    assert response.status_code == 200
    assert "Was it carried out?" in response.content.decode()
    assert not DealFollowUp.objects.exists()


def test_each_side_answers_once_per_period_without_logging_in(client, met, deal):
    response = client.post(link(deal, met.firm.organisation), YES)
    assert "your answer is recorded" in response.content.decode()
    answer = DealFollowUp.objects.get()
    assert (answer.organisation, answer.months, answer.carried_out) == (
        met.firm.organisation,
        3,
        True,
    )
    again = client.post(link(deal, met.firm.organisation), {"carried_out": "no"})
    assert "already answered" in again.content.decode()
    assert DealFollowUp.objects.get().carried_out is True
    # The other side's link and another period are their own.
    client.post(link(deal, met.enterprise.organisation), {"carried_out": "no"})
    client.post(link(deal, met.firm.organisation, 6), YES)
    assert DealFollowUp.objects.count() == 3


def test_a_side_link_answers_only_for_its_side(client, met, deal):
    token = deals.token(deal, met.stranger.memberships.get().organisation, 3)
    response = client.post(f"/en/events/deals/follow-up/{token}/", YES)
    assert response.status_code == 400
    assert not DealFollowUp.objects.exists()


def test_a_changed_or_foreign_link_is_refused_in_words(client, met, deal):
    token = deals.token(deal, met.firm.organisation, 3)
    for bad in (
        token[:-2] + "xx",
        signing.dumps({"d": deal.pk, "o": met.firm.organisation.pk, "m": 3}, salt="other"),
        signing.dumps({"d": deal.pk, "o": met.firm.organisation.pk, "m": 4}, salt=deals.SALT),
    ):
        response = client.post(f"/en/events/deals/follow-up/{bad}/", YES)
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert not DealFollowUp.objects.exists()


class _SignedLongAgo(signing.TimestampSigner):
    def timestamp(self):
        then = timezone.now() - timedelta(days=deals.LINK_DAYS + 1)
        return signing.b62_encode(int(then.timestamp()))


def test_an_expired_link_says_so(client, met, deal):
    token = _SignedLongAgo(salt=deals.SALT).sign_object(
        {"d": deal.pk, "o": met.firm.organisation.pk, "m": 3}, compress=True
    )
    response = client.post(f"/en/events/deals/follow-up/{token}/", YES)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()


def test_no_answer_is_asked_again_in_words(client, met, deal):
    response = client.post(link(deal, met.firm.organisation), {"carried_out": "maybe"})
    assert response.status_code == 200
    assert "Answer yes or no." in response.content.decode()
    response = client.post(link(deal, met.firm.organisation), {})
    assert "Say whether the deal was carried out." in response.content.decode()
    assert not DealFollowUp.objects.exists()
