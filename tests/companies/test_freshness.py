"""Freshness (issue 17, item 6): the clock of confirmed details, the yearly email and its
signed link, the profile line at 13 months, the ranking, and leaving the directory at 24 months.

Time travel without a dependency: the timestamps are set back (created_at, details_confirmed_at)
and the business functions take `now=`.
"""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from companies import freshness
from companies.models import Organisation
from portal.models import Notification
from tests.companies.conftest import profile_data
from tests.factories import (
    MembershipFactory,
    OwnerFactory,
    UserFactory,
    listed_organisation,
    log_in_as,
)

DIRECTORY = "/organisations/"


def url(name, **kwargs):
    """The English address of a page: the tests read the English texts."""
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def months_ago(months, *, now=None):
    """The same wall-clock time, local, `months` calendar months ago: the directory counts
    months by local days (freshness.end_of_today), and months before 22:30 UTC in December is
    already the next day in summer time."""
    return freshness.months_before(timezone.localtime(now or timezone.now()), months)


def set_clock(organisation, *, created=None, confirmed=None):
    """Move an organisation's clock back: created and last confirmed `n` months ago."""
    changes = {}
    if created is not None:
        changes["created_at"] = months_ago(created)
    if confirmed is not None:
        changes["details_confirmed_at"] = months_ago(confirmed)
    Organisation.objects.filter(pk=organisation.pk).update(**changes)
    organisation.refresh_from_db()
    return organisation


def names(response):
    return [organisation.name for organisation in response.context["organisations"]]


def confirm_url(organisation, token=None):
    token = token or freshness.confirmation_token(organisation)
    return url("companies:confirm_details", slug=organisation.slug, token=token)


@pytest.fixture
def listing(reference_data, db):
    return listed_organisation(name="Groenwerk Tongeren", services=["groenonderhoud"])


# --- The profile line -------------------------------------------------------------------------


def test_a_profile_confirmed_12_months_ago_shows_no_freshness_warning(client, listing):
    set_clock(listing, created=30, confirmed=12)

    response = client.get(url("companies:profile", slug=listing.slug))

    assert "last confirmed on" not in response.content.decode()


def test_a_profile_unconfirmed_for_13_months_says_when_it_was_last_confirmed(client, listing):
    set_clock(listing, created=30, confirmed=13)
    confirmed = timezone.localtime(listing.details_confirmed_at).date()

    response = client.get(url("companies:profile", slug=listing.slug))

    text = response.content.decode()
    with translation.override("en"):
        shown = date_format(confirmed, "DATE_FORMAT")
    assert f"These details were last confirmed on {shown};" in text


def test_a_never_confirmed_listing_runs_its_clock_from_its_creation(client, listing):
    set_clock(listing, created=13)

    response = client.get(url("companies:profile", slug=listing.slug))

    assert "These details were last confirmed on" in response.content.decode()


# --- The ranking and leaving the directory ----------------------------------------------------


def test_without_a_query_the_directory_ranks_an_unconfirmed_listing_below_a_fresh_one(
    client, reference_data, db
):
    old = set_clock(listed_organisation(name="Aa Oud"), created=30, confirmed=14)
    fresh = set_clock(listed_organisation(name="Zz Vers"), created=30, confirmed=1)
    recent = listed_organisation(name="Mm Nieuw")

    response = client.get(DIRECTORY)

    # Both fresh ones (by name) before the one unconfirmed for 14 months.
    assert names(response) == [recent.name, fresh.name, old.name]
    # Asked for by name, the old one is first again: the freshness only shapes the default.
    assert names(client.get(DIRECTORY, {"sort": "name"}))[0] == old.name


def test_a_verified_listing_ranks_above_a_fresher_unverified_one(client, reference_data, db):
    verified = listed_organisation(name="Zz Geverifieerd", verified_at=timezone.now())
    set_clock(verified, created=30, confirmed=14)
    listed_organisation(name="Aa Niet geverifieerd")

    assert names(client.get(DIRECTORY))[0] == verified.name


@pytest.mark.parametrize("months", [12, 13, 23])
def test_a_listing_unconfirmed_for_less_than_24_months_stays_in_the_directory(
    client, listing, months
):
    set_clock(listing, created=30, confirmed=months)

    assert listing.name in names(client.get(DIRECTORY))
    assert listing.name in names(client.get(DIRECTORY, {"q": "groenwerk"}))


def test_at_24_months_a_listing_leaves_the_directory_and_search_until_an_owner_confirms(
    client, listing
):
    set_clock(listing, created=30, confirmed=24)
    other = listed_organisation(name="Groenwerk Hasselt")

    assert names(client.get(DIRECTORY)) == [other.name]
    assert names(client.get(DIRECTORY, {"q": "groenwerk"})) == [other.name]
    csv = b"".join(client.get(DIRECTORY, {"format": "csv"}).streaming_content).decode()
    assert listing.name not in csv
    # A visitor with the address still sees the profile.
    profile = client.get(url("companies:profile", slug=listing.slug))
    assert profile.status_code == 200
    assert "These details were last confirmed on" in profile.content.decode()

    response = client.post(confirm_url(listing))

    assert response.status_code == 302
    assert listing.name in names(client.get(DIRECTORY))
    assert listing.name in names(client.get(DIRECTORY, {"q": "groenwerk"}))


def test_a_never_confirmed_import_leaves_the_directory_24_months_after_its_creation(
    client, listing
):
    set_clock(listing, created=24)

    assert names(client.get(DIRECTORY)) == []


def test_the_stale_months_are_a_setting(client, listing, settings):
    set_clock(listing, created=30, confirmed=18)
    assert listing.name in names(client.get(DIRECTORY))

    settings.DIRECTORY_STALE_MONTHS = 18

    assert listing.name not in names(client.get(DIRECTORY))


def test_stale_listings_leave_the_directory_without_extra_queries(
    client, reference_data, db, django_assert_num_queries
):
    for n in range(5):
        listed_organisation(name=f"Vers {n}")
    client.get(DIRECTORY)
    # Each as a first browse after a change (not from the cache, portal/facets.py).
    cache.clear()
    with CaptureQueriesContext(connection) as fresh_only:
        client.get(DIRECTORY)
    for n in range(5):
        set_clock(listed_organisation(name=f"Oud {n}"), created=30)

    cache.clear()
    with django_assert_num_queries(len(fresh_only.captured_queries)):
        response = client.get(DIRECTORY)
    assert len(names(response)) == 5


# --- An owner's save confirms -----------------------------------------------------------------


def test_an_owner_saving_the_profile_confirms_its_details(client, world):
    organisation = set_clock(world.organisation, created=30, confirmed=20)
    log_in_as(client, world.owner)

    response = client.post(
        url("companies:organisation_edit", slug=organisation.slug),
        profile_data(organisation),
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.details_confirmed_at > timezone.now() - timedelta(minutes=1)


def test_an_invalid_save_confirms_nothing(client, world):
    organisation = set_clock(world.organisation, created=30, confirmed=20)
    log_in_as(client, world.owner)

    response = client.post(
        url("companies:organisation_edit", slug=organisation.slug),
        profile_data(organisation, name=""),
    )

    assert response.status_code == 200
    assert Organisation.objects.get(pk=organisation.pk).details_confirmed_at == (
        organisation.details_confirmed_at
    )


# --- The signed link --------------------------------------------------------------------------


def test_the_link_shows_a_button_and_a_get_changes_nothing(client, listing):
    set_clock(listing, created=30, confirmed=14)

    response = client.get(confirm_url(listing))

    assert response.status_code == 200
    assert "Yes, the details are correct" in response.content.decode()
    listing_now = Organisation.objects.get(pk=listing.pk)
    assert listing_now.details_confirmed_at == listing.details_confirmed_at


@pytest.mark.parametrize("who", ["anonymous", "stranger"])
def test_anyone_with_the_link_can_confirm_without_signing_in(client, listing, who):
    set_clock(listing, created=30, confirmed=14)
    if who == "stranger":
        client.force_login(UserFactory())

    response = client.post(confirm_url(listing))

    assert response.status_code == 302
    assert response["Location"] == url("companies:profile", slug=listing.slug)
    assert not freshness.is_outdated(Organisation.objects.get(pk=listing.pk))


def test_a_used_link_says_the_details_are_already_confirmed(client, listing):
    set_clock(listing, created=30, confirmed=14)
    url = confirm_url(listing)
    client.post(url)
    confirmed = Organisation.objects.get(pk=listing.pk).details_confirmed_at

    response = client.post(url)

    assert response.status_code == 400
    assert "already been confirmed" in response.content.decode()
    assert Organisation.objects.get(pk=listing.pk).details_confirmed_at == confirmed


class _SignedLongAgo(signing.TimestampSigner):
    """Signs as if it were CONFIRM_LINK_DAYS + 1 days ago (a link from an old email)."""

    def timestamp(self):
        then = timezone.now() - timedelta(days=freshness.CONFIRM_LINK_DAYS + 1)
        return signing.b62_encode(int(then.timestamp()))


def test_an_expired_link_confirms_nothing_and_says_how_to_confirm(client, listing):
    set_clock(listing, created=30, confirmed=14)
    token = _SignedLongAgo(salt=freshness.CONFIRM_SALT).sign_object(
        {"o": listing.pk, "c": listing.details_confirmed_at.isoformat()}, compress=True
    )

    response = client.post(confirm_url(listing, token))

    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert freshness.is_outdated(Organisation.objects.get(pk=listing.pk))


@pytest.mark.parametrize(
    "forge",
    [
        lambda token, other: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token, other: freshness.confirmation_token(other),
        lambda token, other: signing.dumps({"o": other.pk}, salt="portal.unsubscribe"),
        lambda token, other: "not-a-token",
    ],
    ids=["tampered", "for-another-organisation", "another-purpose", "garbage"],
)
def test_a_forged_link_confirms_nothing(client, reference_data, db, forge):
    listing = set_clock(listed_organisation(name="Groenwerk"), created=30, confirmed=14)
    other = set_clock(listed_organisation(name="Ander"), created=30, confirmed=14)
    token = forge(freshness.confirmation_token(listing), other)

    for method in (client.get, client.post):
        response = method(confirm_url(listing, token))
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert Organisation.objects.get(pk=listing.pk).details_confirmed_at == (
        listing.details_confirmed_at
    )
    assert Organisation.objects.get(pk=other.pk).details_confirmed_at == other.details_confirmed_at


def test_the_link_of_an_unknown_organisation_is_not_found(client, listing):
    token = freshness.confirmation_token(listing)

    response = client.post(url("companies:confirm_details", slug="bestaat-niet", token=token))

    assert response.status_code == 404


# --- The yearly email -------------------------------------------------------------------------


@pytest.fixture
def owned(listing):
    """The listing with a Dutch and a French owner and an editor, created 30 months ago."""
    set_clock(listing, created=30, confirmed=12)
    return {
        "organisation": listing,
        "dutch": OwnerFactory(organisation=listing, user__language="nl").user,
        "french": OwnerFactory(organisation=listing, user__language="fr").user,
        "editor": MembershipFactory(organisation=listing).user,
    }


def reminders():
    return Notification.objects.filter(key__startswith="details_confirmation:")


def test_owners_get_the_yearly_email_in_their_language_with_both_links(owned):
    assert freshness.send_reminders() == 1

    rows = {row.recipient: row for row in reminders()}
    assert set(rows) == {owned["dutch"], owned["french"]}
    dutch, french = rows[owned["dutch"]], rows[owned["french"]]
    assert dutch.language == "nl" and french.language == "fr"
    assert "Groenwerk Tongeren" in dutch.subject
    assert dutch.subject != french.subject
    organisation = owned["organisation"]
    assert confirm_url(organisation).split("/organisations/")[1] in dutch.body
    assert f"/organisations/{organisation.slug}/edit/" in french.body


def test_the_emailed_link_confirms(client, owned):
    freshness.send_reminders()
    body = reminders().get(recipient=owned["dutch"]).body
    (path,) = re.findall(r"https?://[^/\s]+(/\S*/confirm/\S+/)", body)

    assert client.get(path).status_code == 200
    response = client.post(path)

    assert response.status_code == 302
    assert not freshness.is_outdated(Organisation.objects.get(pk=owned["organisation"].pk))


def test_the_reminder_is_sent_once_a_year_and_a_rerun_sends_nothing(owned):
    now = timezone.now()
    assert freshness.send_reminders(now=now) == 1
    assert freshness.send_reminders(now=now) == 0
    assert freshness.send_reminders(now=now + timedelta(days=1)) == 0
    assert freshness.send_reminders(now=freshness.months_after(now, 11)) == 0
    assert reminders().count() == 2

    # A year on, still unconfirmed: the next reminder.
    assert freshness.send_reminders(now=freshness.months_after(now, 12)) == 1
    assert reminders().count() == 4


def test_no_reminder_within_a_year_of_the_last_confirmation(listing):
    OwnerFactory(organisation=listing)
    set_clock(listing, created=30, confirmed=11)

    assert freshness.send_reminders() == 0
    assert not reminders().exists()


def test_a_confirmation_moves_the_next_reminder_a_year_on(owned):
    now = timezone.now()
    freshness.send_reminders(now=now)
    later = freshness.months_after(now, 6)
    freshness.confirm(owned["organisation"], now=later)

    assert freshness.send_reminders(now=freshness.months_after(now, 12)) == 0
    assert freshness.send_reminders(now=freshness.months_after(later, 12)) == 1


def test_the_beat_task_is_scheduled_and_sends_the_reminders(owned, settings):
    from companies import tasks

    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "companies.tasks.remind_details_confirmation" in entries
    assert tasks.remind_details_confirmation.delay().get() == 1
    assert tasks.remind_details_confirmation.delay().get() == 0


# --- The regisseur's list ---------------------------------------------------------------------


def test_the_admin_filters_listings_not_confirmed_for_13_and_24_months(client, world):
    set_clock(world.organisation, created=30, confirmed=14)
    stale = set_clock(listed_organisation(name="Heel oud"), created=30)
    listed_organisation(name="Vers")
    log_in_as(client, world.administrator)
    changelist = reverse("admin:companies_organisation_changelist")

    thirteen = client.get(changelist, {"unconfirmed": "13"})
    twenty_four = client.get(changelist, {"unconfirmed": "stale"})

    assert {o.name for o in thirteen.context["cl"].result_list} == {
        world.organisation.name,
        stale.name,
    }
    assert [o.name for o in twenty_four.context["cl"].result_list] == [stale.name]


# --- The organisations already listed when freshness came -------------------------------------


def test_the_migration_gives_listed_organisations_a_year_before_they_are_asked(
    client, reference_data, db
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("companies.migrations.0014_organisation_freshness_and_completeness")
    old = listed_organisation(name="Sinds 2015")
    changed = listed_organisation(name="Onlangs aangepast")
    Organisation.objects.filter(pk=old.pk).update(
        created_at=months_ago(120), updated_at=months_ago(100), details_confirmed_at=None
    )
    Organisation.objects.filter(pk=changed.pk).update(
        created_at=months_ago(120), updated_at=months_ago(3), details_confirmed_at=None
    )

    migration.start_the_clock(apps, None)

    old.refresh_from_db()
    changed.refresh_from_db()
    assert changed.details_confirmed_at == changed.updated_at
    # Not gone from the directory on the day of the deployment, but asked at once.
    assert names(client.get(DIRECTORY)) == [changed.name, old.name]
    assert not freshness.is_outdated(old)
    assert list(freshness.due_for_reminder(now=timezone.now())) == [old]
