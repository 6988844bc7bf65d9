"""The admin's long lists at volume (issue 20): what they cost does not grow with their rows,
the action checkbox is Django's markup, and the dates filter the lists.

Speed is measured by the benchmark (`python -m benchmarks --only admin`); here the statements
of each changelist are pinned, for an administrator and for a regisseur of a region, with a
few rows and with many more."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.utils import timezone, translation

from companies.models import Collaboration, Organisation
from portal.adminlists import ListCheckbox
from portal.models import Notification, NotificationStatus, Region
from tests.factories import (
    OrganisationFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    VacancyFactory,
    log_in_as,
    postcode,
)

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/en/admin/companies/organisation/"
COLLABORATIONS = "/en/admin/companies/collaboration/"
VACANCIES = "/en/admin/vacancies/vacancy/"
REQUESTS = "/en/admin/vacancies/servicerequest/"
NOTIFICATIONS = "/en/admin/portal/notification/"


@pytest.fixture
def people(reference_data):
    regisseur = StaffFactory(name="Rita Regisseur")
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(regisseur)
    return SimpleNamespace(
        administrator=StaffFactory(name="Ada Admin", is_superuser=True), regisseur=regisseur
    )


def add_rows(count, *, code):
    """`count` organisations in `code`, each with a vacancy, a service request, a
    collaboration and a notification."""
    for number in range(count):
        firm = OrganisationFactory(postcode=postcode(code))
        enterprise = SocialEnterpriseFactory(postcode=postcode(code))
        VacancyFactory(organisation=firm)
        ServiceRequestFactory(organisation=firm)
        Collaboration.objects.create(
            regular=firm,
            social=enterprise,
            role="client",
            started=date(2020, 1, 1) + timedelta(days=number),
            channel="regie",
            source="import",
        )
        Notification.objects.create(
            key=f"test-{firm.pk}",
            email=f"person{number}@example.org",
            kind="test",
            language="nl",
            subject="Test",
            body="Test",
            status=NotificationStatus.SENT,
        )


def listed(response):
    return len(response.context["cl"].result_list)


# The session, the user, the second factor and permissions, the regions (once per request), the
# filters' choices that come from tables, the ids of a regisseur's municipalities (once per
# request, companies.access.coordinated_municipalities), the count of the (filtered) list and its
# page of rows with their related rows; never a second count of the whole table
# (show_full_result_count).
QUERIES = {
    ("administrator", ORGANISATIONS): 8,
    ("regisseur", ORGANISATIONS): 11,
    ("administrator", COLLABORATIONS): 5,
    ("regisseur", COLLABORATIONS): 9,
    ("administrator", VACANCIES): 6,
    ("regisseur", VACANCIES): 10,
    ("administrator", REQUESTS): 7,
    ("regisseur", REQUESTS): 11,
    ("administrator", NOTIFICATIONS): 4,
}


@pytest.mark.parametrize(("who", "url"), list(QUERIES), ids=lambda value: str(value).strip("/"))
def test_each_list_runs_the_same_statements_however_many_rows(
    client, people, django_assert_num_queries, who, url
):
    log_in_as(client, getattr(people, who))
    add_rows(2, code="3700")

    with django_assert_num_queries(QUERIES[(who, url)]):
        few = client.get(url)
    add_rows(12, code="3700")
    add_rows(4, code="1800")  # another region's: not the regisseur's
    with django_assert_num_queries(QUERIES[(who, url)]):
        many = client.get(url)

    assert few.status_code == many.status_code == 200
    assert listed(many) > listed(few)


def test_the_regisseur_still_sees_only_their_regions(client, people):
    add_rows(3, code="3700")
    add_rows(2, code="1800")
    log_in_as(client, people.regisseur)

    for url, mine in [(VACANCIES, 3), (REQUESTS, 3), (COLLABORATIONS, 3)]:
        assert listed(client.get(url)) == mine
    # The organisations' list shows every one read-only; "in my regions" narrows it.
    assert listed(client.get(ORGANISATIONS, {"scope": "mine"})) == 6


def test_the_closing_and_start_dates_filter_the_lists(client, people):
    add_rows(3, code="3700")
    soon = VacancyFactory(closing_date=timezone.localdate() + timedelta(days=3))
    log_in_as(client, people.administrator)
    this_year = {
        "closing_date__gte": date(timezone.localdate().year, 1, 1).isoformat(),
        "closing_date__lt": date(timezone.localdate().year + 1, 1, 1).isoformat(),
    }

    vacancies = client.get(VACANCIES, this_year)
    collaborations = client.get(
        COLLABORATIONS, {"started__gte": "2020-01-02", "started__lt": "2021-01-01"}
    )

    assert soon in vacancies.context["cl"].result_list
    assert listed(collaborations) == 2
    assert "By started" in collaborations.content.decode()
    assert "By closing date" in vacancies.content.decode()


def test_a_bad_date_in_a_filter_is_no_error(client, people):
    log_in_as(client, people.administrator)

    response = client.get(VACANCIES, {"closing_date__gte": "not-a-date"})

    # Django's answer to a lookup it cannot use: the list again, with ?e=1.
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_checkbox_is_the_markup_django_writes(reference_data, language):
    organisation = Organisation(pk=41, name='Bakkerij <"De Zon"> & Co')
    django_admin = admin.ModelAdmin(Organisation, admin.site)

    with translation.override(language):
        ours = ListCheckbox().action_checkbox(organisation)
        assert ours == django_admin.action_checkbox(organisation)
    assert "&lt;&quot;De Zon&quot;&gt; &amp; Co" in ours


def test_the_long_lists_write_their_checkboxes_directly():
    for model in [
        "companies.organisation",
        "companies.collaboration",
        "vacancies.vacancy",
        "vacancies.servicerequest",
        "vouchers.voucher",
        "vouchers.programme",
        "portal.notification",
        "portal.user",
    ]:
        model_admin = next(m for m in admin.site._registry.values() if m.opts.label_lower == model)
        assert isinstance(model_admin, ListCheckbox), model


def test_the_notifications_filter_by_the_kinds_the_portal_sends(client, people):
    add_rows(2, code="3700")
    Notification.objects.create(
        key="a-voucher", email="a@example.org", kind="voucher", language="nl", subject="S", body="B"
    )
    log_in_as(client, people.administrator)

    everything = client.get(NOTIFICATIONS)
    vouchers = client.get(NOTIFICATIONS, {"kind__exact": "voucher"})

    assert listed(everything) == 3
    assert listed(vouchers) == 1
    assert "Your introduction vouchers: decisions, redemption, payment, reminders" in (
        everything.content.decode()
    )
