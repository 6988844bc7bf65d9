"""The regisseur's work queue (issue 19, item 1): what waits per region and since when, on the
admin home and the dashboard; who sees what; one query per section."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from companies.models import Claim, Organisation
from portal import workqueue
from portal.models import Notification, Region
from tests.factories import (
    JoinRequestFactory,
    OrganisationFactory,
    ServiceRequestFactory,
    StaffFactory,
    UserFactory,
    VacancyFactory,
    VoucherFactory,
    log_in_as,
    postcode,
)

pytestmark = pytest.mark.django_db

ADMIN_HOME = "/en/admin/"
DASHBOARD = "/en/dashboard/"
ORGANISATIONS = "/en/admin/companies/organisation/"


@pytest.fixture
def people(reference_data):
    regisseur = StaffFactory(name="Rita Regisseur")
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(regisseur)
    other = StaffFactory(name="Vera Vlaams-Brabant")
    Region.objects.get(slug="vlaams-brabant").regisseurs.add(other)
    return {
        "regisseur": regisseur,
        "other_regisseur": other,
        "staff": StaffFactory(name="Stef Staff"),
        "administrator": StaffFactory(name="Ada Admin", is_superuser=True),
        "member": UserFactory(name="Mia Member"),
    }


def days_ago(days):
    """Noon, local time, `days` days ago: the same number of local days whatever the hour
    (now minus 800 days at 22:30 UTC in winter is after midnight in summer time, a day later)."""
    if not days:
        return timezone.now()
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(12)))


def unverified(code="3700", age=0, **fields):
    organisation = OrganisationFactory(postcode=postcode(code), **fields)
    Organisation.objects.filter(pk=organisation.pk).update(created_at=days_ago(age))
    return organisation


def one_of_each(age=12):
    """One thing of each section in Tongeren (Zuidoost-Limburg), the oldest `age` days old,
    plus a failed email (no region) and an unverified organisation in Gent (no region)."""
    newcomer = unverified(age=age)
    unverified(age=1)
    # A new poster's vacancy and service request wait for the regie's check (two sections).
    VacancyFactory(organisation=newcomer, status="awaiting", submitted_at=days_ago(4))
    ServiceRequestFactory(organisation=newcomer, status="awaiting", submitted_at=days_ago(2))
    VacancyFactory(organisation=newcomer)  # a draft waits for nobody
    listing = OrganisationFactory(postcode=postcode("3700"), verified_at=timezone.now())
    Claim.objects.create(
        organisation=listing,
        claimant=UserFactory(),
        email="x@example.be",
        domain_matches=False,
        role="Zaakvoerder",
        phone="011 23 45 67",
    )
    JoinRequestFactory(organisation=listing, escalated_at=days_ago(3))
    JoinRequestFactory(organisation=listing)  # not escalated: the owners answer it
    VoucherFactory()
    VoucherFactory(redeemed=True)
    VoucherFactory(approved=True)  # waits for nobody
    stale = OrganisationFactory(postcode=postcode("3700"), verified_at=timezone.now())
    Organisation.objects.filter(pk=stale.pk).update(
        details_confirmed_at=days_ago(800), created_at=days_ago(900)
    )
    OrganisationFactory(
        postcode=postcode("3700"),
        verified_at=timezone.now(),
        kbo_stopped_on=timezone.localdate() - timedelta(days=5),
    )
    unverified(code="9000", age=2)
    Notification.objects.create(
        key="test:failed",
        email="x@example.be",
        kind="account",
        language="nl",
        subject="Onderwerp",
        body="Tekst",
        status="failed",
    )


def counts(queue, slug):
    region_queue = next(r for r in queue.regions if r.slug == slug)
    return {item.section.slug: (item.count, item.days) for item in region_queue.items}


def test_a_regisseur_sees_each_section_of_their_region_with_its_count_and_oldest_age(people):
    one_of_each(age=12)

    queue = workqueue.queue_for(people["regisseur"])

    assert [r.slug for r in queue.regions] == ["zuidoost-limburg"]
    assert counts(queue, "zuidoost-limburg") == {
        "organisations-to-verify": (2, 12),
        "claims": (1, 0),
        "escalated-join-requests": (1, 3),
        "vouchers-to-decide": (1, 0),
        "vacancies-to-check": (1, 4),
        "requests-to-check": (1, 2),
        "vouchers-to-pay": (1, 0),
        "stale-profiles": (1, 800),
        "stopped-by-kbo": (1, 5),
    }
    with translation.override("en"):
        summaries = {item.section.slug: item.summary for item in queue.regions[0].items}
    assert summaries["organisations-to-verify"] == "2, oldest 12 days"
    assert summaries["claims"] == "1, oldest from today"
    with translation.override("nl"):
        assert queue.regions[0].items[0].summary == "2, de oudste 12 dagen"


def test_a_regisseur_of_another_region_and_staff_without_a_region(people):
    one_of_each()

    other = workqueue.queue_for(people["other_regisseur"])

    assert [r.slug for r in other.regions] == ["vlaams-brabant"]
    assert other.is_empty
    assert workqueue.queue_for(people["staff"]) is None
    assert workqueue.queue_for(people["member"]) is None


def test_an_administrator_sees_every_region_and_what_lies_in_none(people):
    one_of_each()

    queue = workqueue.queue_for(people["administrator"])

    assert [r.slug for r in queue.regions] == [
        *Region.objects.values_list("slug", flat=True),
        "none",
    ]
    assert counts(queue, "zuidoost-limburg")["organisations-to-verify"] == (2, 12)
    assert counts(queue, "none") == {"organisations-to-verify": (1, 2), "failed-emails": (1, 0)}
    assert counts(queue, "vlaams-brabant") == {}


def test_failed_emails_are_for_administrators_only(people):
    one_of_each()

    for who in ("regisseur", "other_regisseur"):
        queue = workqueue.queue_for(people[who])
        assert all(item.section.slug != "failed-emails" for r in queue.regions for item in r.items)


def test_an_organisation_in_two_regions_of_the_regisseur_counts_in_each(people):
    cluster = Region.objects.get(slug="handel-samen-sociaal")
    tongeren = postcode("3700").municipality
    cluster.municipalities.add(tongeren)
    cluster.regisseurs.add(people["regisseur"])
    unverified()

    queue = workqueue.queue_for(people["regisseur"])

    assert counts(queue, "zuidoost-limburg")["organisations-to-verify"] == (1, 0)
    assert counts(queue, "handel-samen-sociaal")["organisations-to-verify"] == (1, 0)


# --- The pages -----------------------------------------------------------------------------


def test_the_admin_home_shows_the_queue_and_each_link_lists_what_it_counts(client, people):
    one_of_each()
    log_in_as(client, people["regisseur"])

    page = client.get(ADMIN_HOME)

    assert page.status_code == 200
    html = page.content.decode()
    assert "What waits for you" in html
    assert "2, oldest 12 days" in html
    queue = workqueue.queue_for(people["regisseur"])
    for item in queue.regions[0].items:
        assert f'href="{item.url.replace("&", "&amp;")}"' in html
        if item.section.link.startswith("admin:"):
            listed = client.get(item.url)
            assert listed.status_code == 200, item.url
            assert listed.context["cl"].result_count == item.count, item.section.slug
        else:
            assert client.get(item.url).status_code == 200


def test_the_admin_home_says_nothing_waits(client, people):
    log_in_as(client, people["other_regisseur"])

    html = client.get(ADMIN_HOME).content.decode()

    assert "What waits for you" in html
    assert "Nothing waits." in html


def test_staff_without_a_region_see_no_queue_on_the_admin_home(client, people):
    one_of_each()
    log_in_as(client, people["staff"])

    assert "What waits for you" not in client.get(ADMIN_HOME).content.decode()


def test_the_administrators_links_include_the_failed_emails_and_no_region(client, people):
    one_of_each()
    log_in_as(client, people["administrator"])

    html = client.get(ADMIN_HOME).content.decode()

    assert "Emails that failed" in html
    assert "/en/admin/portal/notification/?status__exact=failed" in html
    no_region = client.get(ORGANISATIONS, {"scope": "unverified", "region": "none"})
    assert no_region.context["cl"].result_count == 1


def test_the_dashboard_of_a_regisseur_shows_the_queue_instead_of_adding_an_organisation(
    client, people
):
    one_of_each()
    log_in_as(client, people["regisseur"])

    html = client.get(DASHBOARD).content.decode()

    assert "What waits for you" in html
    assert "Organisations to verify</a>: 2, oldest 12 days" in html
    assert "Add an organisation" not in html


@pytest.mark.parametrize("who", ["member", "staff"])
def test_the_dashboard_of_others_shows_no_queue(client, people, who):
    one_of_each()
    log_in_as(client, people[who])

    html = client.get(DASHBOARD).content.decode()

    assert "What waits for you" not in html
    assert "Add an organisation" in html


def test_members_and_visitors_do_not_reach_the_admin_home(client, people):
    assert client.get(ADMIN_HOME).status_code == 302
    log_in_as(client, people["member"])
    assert client.get(ADMIN_HOME).status_code == 302


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "²", "-1", ""])
def test_a_bad_region_in_the_organisation_list_is_ignored(client, people, value):
    unverified()
    log_in_as(client, people["regisseur"])

    response = client.get(ORGANISATIONS, {"region": value})

    assert response.status_code == 200


# --- Queries -------------------------------------------------------------------------------


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def many_of_each(times):
    for _ in range(times):
        unverified()
    JoinRequestFactory.create_batch(
        times,
        organisation=OrganisationFactory(postcode=postcode("3700")),
        escalated_at=timezone.now(),
    )
    VoucherFactory.create_batch(times)
    newcomer = unverified()
    VacancyFactory.create_batch(times, organisation=newcomer, status="awaiting")
    ServiceRequestFactory.create_batch(times, organisation=newcomer, status="awaiting")


@pytest.mark.parametrize(("who", "url"), [("regisseur", ADMIN_HOME), ("regisseur", DASHBOARD)])
def test_the_queue_costs_one_query_per_section_whatever_waits(client, people, who, url):
    log_in_as(client, people[who])
    many_of_each(1)
    client.get(url)  # the session, the reference rows kept in memory
    one = queries_of(client, url)

    many_of_each(29)
    thirty = queries_of(client, url)

    assert one == thirty
    # The regions, then one query per section a regisseur sees (the organisation, claim, join
    # request, voucher and opportunity-check sections).
    sections = [s for s in workqueue.sections() if s.visible_to(people[who])]
    with CaptureQueriesContext(connection) as captured:
        workqueue.queue_for(people[who])
    assert len(captured) == 1 + len(sections) == 10


def test_the_admin_home_and_dashboard_query_counts_are_pinned(
    client, people, django_assert_num_queries
):
    many_of_each(3)
    log_in_as(client, people["regisseur"])
    client.get(ADMIN_HOME)

    with django_assert_num_queries(ADMIN_HOME_QUERIES):
        client.get(ADMIN_HOME)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        client.get(DASHBOARD)


# Of which 10 are the queue's (the regions and the 9 sections a regisseur sees); the rest is the
# session, the user, the second factor and the page's own.
ADMIN_HOME_QUERIES = 16
DASHBOARD_QUERIES = 18


# --- Issue 19, item 2 and the claims page's region filter ---------------------------------------


def claim_on(listing):
    return Claim.objects.create(
        organisation=listing,
        claimant=UserFactory(),
        email="x@example.be",
        domain_matches=False,
        role="Zaakvoerder",
        phone="011 23 45 67",
    )


def test_each_regions_claims_link_lists_exactly_what_it_counted(client, people):
    # Tongeren (Zuidoost-Limburg) and Leuven (Vlaams-Brabant), and one in Gent (no region).
    tongeren = OrganisationFactory(postcode=postcode("3700"), verified_at=timezone.now())
    leuven = OrganisationFactory(postcode=postcode("3000"), verified_at=timezone.now())
    gent = OrganisationFactory(postcode=postcode("9000"), verified_at=timezone.now())
    for listing in (tongeren, tongeren, leuven, gent):
        claim_on(listing)
    JoinRequestFactory(organisation=tongeren, escalated_at=days_ago(3))
    JoinRequestFactory(organisation=leuven, escalated_at=days_ago(3))
    administrator = people["administrator"]
    log_in_as(client, administrator)

    queue = workqueue.queue_for(administrator)

    checked = 0
    for region_queue in queue.regions:
        for item in region_queue.items:
            if item.section.slug not in {"claims", "escalated-join-requests"}:
                continue
            page = client.get(item.url)
            assert page.status_code == 200
            listed = (
                page.context["claims"]
                if item.section.slug == "claims"
                else list(page.context["join_requests"])
            )
            assert len(listed) == item.count, (region_queue.name, item.section.slug)
            checked += 1
    # Zuidoost-Limburg (claims, requests), Vlaams-Brabant (claims, requests), no region (claims).
    assert checked == 5


def test_the_claims_page_without_a_region_lists_all_and_ignores_a_bad_one(client, people):
    tongeren = OrganisationFactory(postcode=postcode("3700"), verified_at=timezone.now())
    leuven = OrganisationFactory(postcode=postcode("3000"), verified_at=timezone.now())
    claim_on(tongeren)
    claim_on(leuven)
    log_in_as(client, people["administrator"])

    for value in (None, "x", "99999999999", "-1"):
        page = client.get("/en/organisations/claims/", {"region": value} if value else {})
        assert page.status_code == 200
        assert len(page.context["claims"]) == 2
    one = client.get(
        "/en/organisations/claims/", {"region": Region.objects.get(slug="vlaams-brabant").pk}
    )
    assert [claim.organisation for claim in one.context["claims"]] == [leuven]
    assert "Only the claims and requests of" in one.content.decode()


def test_a_regisseur_asking_for_another_region_sees_nothing_of_it(client, people):
    leuven = OrganisationFactory(postcode=postcode("3000"), verified_at=timezone.now())
    claim_on(leuven)
    log_in_as(client, people["regisseur"])

    page = client.get(
        "/en/organisations/claims/", {"region": Region.objects.get(slug="vlaams-brabant").pk}
    )

    assert page.status_code == 200
    assert page.context["claims"] == []


def test_a_rejected_organisation_is_not_counted_or_listed_until_its_profile_changes(client, people):
    from companies import profiles, verification
    from tests.factories import OwnerFactory

    waiting = unverified(age=3)
    rejected = unverified(age=5)
    owner = OwnerFactory(organisation=rejected).user
    verification.reject(rejected, by=people["regisseur"], reason="Onvolledig.")
    log_in_as(client, people["regisseur"])

    def counted_and_listed():
        queue = workqueue.queue_for(people["regisseur"])
        item = next(
            item
            for item in queue.regions[0].items
            if item.section.slug == "organisations-to-verify"
        )
        listed = client.get(item.url).context["cl"].result_list
        return item.count, set(listed)

    assert counted_and_listed() == (1, {waiting})
    profiles.update_profile(rejected, by=owner, data={"description": "Nu volledig."})
    assert counted_and_listed() == (2, {waiting, rejected})
