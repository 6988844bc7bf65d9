"""Rating a collaboration (companies/ratings.py, issue 21 item 3): each side is asked by email
when the collaboration is confirmed by both, on each anniversary while it runs, and at its end;
the signed link rates for its side and period, once, without a login; GET never writes."""

import re
from datetime import date, timedelta

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from companies import collaborations, ratings
from companies.models import Collaboration, CollaborationRating
from portal.models import Frequency, Notification, NotificationPreference, Region, ServiceCategory
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    log_in_as,
    postcode,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sides(reference_data):
    regular = OrganisationFactory(name="Brouwerij Het Anker", postcode=postcode("3700"))
    social = SocialEnterpriseFactory(name="Groenwerk Mechelen")
    regular_member = UserFactory(language="nl")
    social_member = UserFactory(language="fr")
    MembershipFactory(organisation=regular, user=regular_member)
    MembershipFactory(organisation=social, user=social_member)
    return regular, social, regular_member, social_member


def declared(regular, social, by, started=date(2024, 3, 1)):
    collaboration, _created = collaborations.declare(
        organisation=regular,
        other=social,
        role="client",
        category=ServiceCategory.objects.get(slug="groenonderhoud"),
        started=started,
        channel="other",
        by=by,
    )
    return collaboration


def confirmed(sides, started=date(2024, 3, 1)):
    regular, social, regular_member, social_member = sides
    collaboration = declared(regular, social, regular_member, started)
    return collaborations.confirm(collaboration, organisation=social, by=social_member)


def rating_rows():
    return Notification.objects.filter(kind="collaboration_rating")


def url(collaboration, side, period=ratings.ON_CONFIRMATION):
    return f"/en/collaborations/rate/{ratings.token(collaboration, side, period)}/"


ANSWER = {"score": "4", "would_work_again": "yes", "note": "Stipt en vriendelijk."}


# --- Asking -------------------------------------------------------------------------------------


def test_a_declaration_alone_asks_nobody_to_rate(sides):
    regular, social, regular_member, _ = sides
    declared(regular, social, regular_member)
    assert not rating_rows().exists()


def test_confirming_asks_each_side_in_its_own_language(sides):
    collaboration = confirmed(sides)
    _, _, regular_member, social_member = sides

    rows = {row.recipient: row for row in rating_rows()}
    assert set(rows) == {regular_member, social_member}
    assert rows[regular_member].language == "nl"
    assert rows[social_member].language == "fr"
    assert "Groenwerk Mechelen" in rows[regular_member].subject
    assert "Brouwerij Het Anker" in rows[social_member].subject
    # Each side's link rates for that side. (The link carries the second it was signed in, so it is
    # read back from the mail rather than signed again here.)
    for member, side in ((regular_member, "regular"), (social_member, "social")):
        (link,) = re.findall(r"/collaborations/rate/([^/\s]+)/", rows[member].body)
        assert ratings.read(link) == (collaboration, side, ratings.ON_CONFIRMATION)


def test_a_recorded_collaboration_asks_both_sides_once(sides):
    regular, social, *_ = sides
    fields = {
        "regular": regular,
        "social": social,
        "role": "client",
        "started": date(2025, 3, 1),
        "channel": "voucher",
        "source": "voucher",
    }
    collaborations.record(**fields)
    collaborations.record(**fields)
    assert rating_rows().count() == 2


def test_an_imported_collaboration_asks_nobody(sides):
    regular, social, *_ = sides
    Collaboration.objects.create(
        regular=regular,
        social=social,
        role="client",
        started=date(2015, 1, 1),
        channel="other",
        source="import",
        confirmed_by_regular_at=timezone.now(),
        confirmed_by_social_at=timezone.now(),
    )
    assert ratings.ask_yearly(today=date(2026, 5, 5)) == 0
    assert not rating_rows().exists()


def test_members_who_switched_the_kind_off_are_not_asked(sides):
    _, _, regular_member, social_member = sides
    NotificationPreference.objects.create(
        user=regular_member, kind="collaboration_rating", frequency=Frequency.OFF
    )
    confirmed(sides)
    assert [row.recipient for row in rating_rows()] == [social_member]


def test_ending_asks_both_sides_for_the_end(sides):
    regular, _, regular_member, _ = sides
    collaboration = confirmed(sides)
    collaborations.end(collaboration, organisation=regular, by=regular_member)
    assert rating_rows().filter(key__contains=":at_end:").count() == 2


def test_the_yearly_ask_comes_on_the_anniversary_once(sides):
    collaboration = confirmed(sides, started=date(2024, 3, 1))
    before = rating_rows().count()

    assert ratings.ask_yearly(today=date(2025, 2, 28)) == 0
    assert ratings.ask_yearly(today=date(2025, 3, 1)) == 1
    # Again the same day, or a few days late: the same period, nothing new.
    ratings.ask_yearly(today=date(2025, 3, 1))
    ratings.ask_yearly(today=date(2025, 3, 6))
    yearly = rating_rows().filter(key__contains=":year-1:")
    assert yearly.count() == 2
    assert rating_rows().count() == before + 2
    # The next year asks for the second year.
    ratings.ask_yearly(today=date(2026, 3, 2))
    assert rating_rows().filter(key__contains=":year-2:").count() == 2
    assert collaboration.pk


def test_the_yearly_ask_skips_ended_and_unconfirmed_collaborations(sides):
    regular, social, regular_member, _ = sides
    declared(regular, social, regular_member, started=date(2023, 3, 1))
    Collaboration.objects.create(
        regular=regular,
        social=social,
        role="supplier",
        started=date(2022, 3, 1),
        ended=date(2024, 1, 1),
        channel="other",
        confirmed_by_regular_at=timezone.now(),
        confirmed_by_social_at=timezone.now(),
    )
    assert ratings.ask_yearly(today=date(2025, 3, 1)) == 0


def test_the_yearly_ask_skips_a_side_that_rated_the_year(sides):
    collaboration = confirmed(sides, started=date(2024, 3, 1))
    ratings.rate(
        collaboration=collaboration,
        side="regular",
        period="year-1",
        score=5,
        would_work_again=True,
    )
    ratings.ask_yearly(today=date(2025, 3, 1))
    assert [row.recipient for row in rating_rows().filter(key__contains=":year-1:")] == [sides[3]]


def test_a_start_on_29_february_is_asked_on_28_february():
    assert ratings.anniversary(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert ratings.completed_years(date(2024, 2, 29), date(2025, 2, 28)) == 1
    assert ratings.completed_years(date(2024, 2, 29), date(2025, 2, 27)) == 0


def test_the_yearly_ask_is_scheduled():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "companies.tasks.ask_collaboration_ratings" in tasks


# --- The link -----------------------------------------------------------------------------------


def test_get_shows_the_collaboration_and_the_form_and_writes_nothing(sides, client):
    collaboration = confirmed(sides)

    response = client.get(url(collaboration, "regular"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Brouwerij Het Anker" in text
    assert "Groenwerk Mechelen" in text
    assert 'name="score"' in text
    assert not CollaborationRating.objects.exists()


def test_the_holder_of_the_link_rates_for_its_side_without_a_login(sides, client):
    collaboration = confirmed(sides)

    response = client.post(url(collaboration, "social"), ANSWER)

    assert response.status_code == 200
    rating = CollaborationRating.objects.get()
    assert (rating.collaboration, rating.side, rating.period) == (
        collaboration,
        "social",
        ratings.ON_CONFIRMATION,
    )
    assert (rating.score, rating.would_work_again, rating.note) == (
        4,
        True,
        "Stipt en vriendelijk.",
    )


def test_a_used_link_thanks_and_writes_nothing_more(sides, client):
    collaboration = confirmed(sides)
    client.post(url(collaboration, "regular"), ANSWER)

    for response in (
        client.get(url(collaboration, "regular")),
        client.post(url(collaboration, "regular"), {**ANSWER, "score": "1"}),
    ):
        assert response.status_code == 200
        assert "already rated this collaboration" in response.content.decode()
    assert CollaborationRating.objects.get().score == 4


def test_each_side_rates_once_per_period(sides, client):
    collaboration = confirmed(sides)
    client.post(url(collaboration, "regular"), ANSWER)
    client.post(url(collaboration, "social"), ANSWER)
    client.post(url(collaboration, "regular", "year-1"), ANSWER)
    assert CollaborationRating.objects.count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        CollaborationRating.objects.create(
            collaboration=collaboration,
            side="regular",
            period="year-1",
            score=3,
            would_work_again=False,
        )


def test_the_other_sides_link_does_not_use_up_this_sides(sides, client):
    collaboration = confirmed(sides)
    client.post(url(collaboration, "social"), ANSWER)
    # The social side rated; the regular side's link still rates for the regular side.
    assert client.get(url(collaboration, "regular")).status_code == 200
    client.post(url(collaboration, "regular"), {**ANSWER, "score": "2"})
    assert dict(CollaborationRating.objects.values_list("side", "score")) == {
        "social": 4,
        "regular": 2,
    }


def test_a_link_changed_to_the_other_side_is_refused(sides, client):
    collaboration = confirmed(sides)
    good = ratings.token(collaboration, "regular", ratings.ON_CONFIRMATION)
    payload, _sep, signature = good.rpartition(":")
    forged = signing.dumps(
        {"c": collaboration.pk, "s": "social", "p": ratings.ON_CONFIRMATION},
        salt="another.salt",
        compress=True,
    )
    for token in (f"{payload}x:{signature}", forged, "nonsense"):
        response = client.post(f"/en/collaborations/rate/{token}/", ANSWER)
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert not CollaborationRating.objects.exists()


class _SignedLongAgo(signing.TimestampSigner):
    """Signs as if it were LINK_DAYS + 1 days ago (a link from an old email)."""

    def timestamp(self):
        then = timezone.now() - timedelta(days=ratings.LINK_DAYS + 1)
        return signing.b62_encode(int(then.timestamp()))


def test_an_expired_link_says_so(sides, client):
    collaboration = confirmed(sides)
    token = _SignedLongAgo(salt=ratings.SALT).sign_object(
        {"c": collaboration.pk, "s": "regular", "p": ratings.ON_CONFIRMATION}, compress=True
    )
    response = client.post(f"/en/collaborations/rate/{token}/", ANSWER)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert not CollaborationRating.objects.exists()


def test_a_link_for_an_unconfirmed_collaboration_rates_nothing(sides, client):
    regular, social, regular_member, _ = sides
    collaboration = declared(regular, social, regular_member)
    response = client.post(url(collaboration, "regular"), ANSWER)
    assert response.status_code == 400
    assert not CollaborationRating.objects.exists()


def test_a_score_outside_1_to_5_is_refused_with_a_message(sides, client):
    collaboration = confirmed(sides)
    for score in ("0", "6", ""):
        response = client.post(url(collaboration, "regular"), {**ANSWER, "score": score})
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.content.decode() or "errorlist" in (
            response.content.decode()
        )
    assert not CollaborationRating.objects.exists()


def test_the_database_refuses_a_score_outside_1_to_5(sides):
    collaboration = confirmed(sides)
    with pytest.raises(IntegrityError), transaction.atomic():
        CollaborationRating.objects.create(
            collaboration=collaboration,
            side="regular",
            period=ratings.AT_END,
            score=6,
            would_work_again=True,
        )


def test_the_rating_page_reads_a_fixed_number_of_queries(sides, client, django_assert_num_queries):
    collaboration = confirmed(sides)
    # The collaboration with both sides and its service; whether the side has rated.
    with django_assert_num_queries(2):
        assert client.get(url(collaboration, "regular")).status_code == 200
    # The same two and the insert (in a savepoint: a second rating finds the constraint).
    with django_assert_num_queries(5):
        assert client.post(url(collaboration, "regular"), ANSWER).status_code == 200


def test_the_kind_can_be_switched_off_in_the_preferences():
    from portal.notifications import configurable_kinds

    assert "collaboration_rating" in configurable_kinds()


# --- The admin ----------------------------------------------------------------------------------


def test_administrators_read_the_ratings_and_notes_under_the_collaboration(sides, client):
    collaboration = confirmed(sides)
    client.post(url(collaboration, "regular"), ANSWER)
    admin_user = StaffFactory(is_superuser=True)
    log_in_as(client, admin_user)

    page = client.get(f"/admin/companies/collaboration/{collaboration.pk}/change/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Stipt en vriendelijk." in text
    # Read only: no field of a rating is a form input.
    assert 'name="ratings-0-score"' not in text
    assert 'name="ratings-0-note"' not in text


def test_regisseurs_do_not_see_the_ratings_notes(sides, client):
    collaboration = confirmed(sides)
    client.post(url(collaboration, "regular"), ANSWER)
    regisseur = StaffFactory()
    for region in Region.objects.filter(municipalities__in=[collaboration.regular.municipality_id]):
        region.regisseurs.add(regisseur)
    log_in_as(client, regisseur)

    page = client.get(f"/admin/companies/collaboration/{collaboration.pk}/change/")

    assert page.status_code == 200
    assert "Stipt en vriendelijk." not in page.content.decode()
