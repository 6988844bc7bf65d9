"""A new, unverified firm publishes a service request: it waits for the regie's check; the
regisseur approves it in the admin, and then it reaches the matching social enterprise
(issue 19, item 3).

The steps rely on addresses, ids and classes, not on interface texts.
"""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    first_service_category,
    postcode,
    region,
)
from vacancies.models import Match, Status

from .test_voucher_journey import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_new_posters_request_waits_for_the_check_and_reaches_enterprises_once_approved(
    live_server, browser
):
    category = first_service_category()
    newcomer = OrganisationFactory(name="Schrijnwerkerij Jekerdal", postcode=postcode("3700"))
    poster = UserFactory(email="jan.jekerdal@example.be", name="Jan Jekerdal")
    OwnerFactory(organisation=newcomer, user=poster)
    draft = ServiceRequestFactory(organisation=newcomer, category=category)
    enterprise = SocialEnterpriseFactory(postcode=postcode("3500"), verified_at=timezone.now())
    OfferedServiceFactory(organisation=enterprise, category=category, radius_km=50)
    listener = UserFactory(email="sara.sociaal@example.be", name="Sara Sociaal")
    OwnerFactory(organisation=enterprise, user=listener)
    regisseur = StaffFactory(email="rita.regisseur@example.be", name="Rita Regisseur")
    region("zuidoost-limburg").regisseurs.add(regisseur)

    # The poster publishes the draft: it waits for a check, and says by whom.
    page = log_in(browser, live_server, poster)
    page.goto(f"{live_server.url}/requests/{draft.code}/")
    page.locator(f'form[action="/requests/{draft.code}/publish/"] button').click()
    expect(page.locator(".opportunity__awaiting")).to_contain_text("Zuidoost-Limburg")
    draft.refresh_from_db()
    assert draft.status == Status.AWAITING
    assert not Match.objects.exists()

    # The regisseur finds it in the work queue and approves it from its admin page.
    admin = log_in(browser, live_server, regisseur)
    admin.goto(f"{live_server.url}/admin/")
    admin.locator('a[href*="/admin/vacancies/servicerequest/?status__exact=awaiting"]').click()
    admin.locator(f'a[href*="/admin/vacancies/servicerequest/{draft.pk}/change/"]').click()
    admin.locator("a#opportunity-approve").click()
    admin.locator("#opportunity-check-submit").click()
    expect(admin).to_have_url(re.compile(rf"/admin/vacancies/servicerequest/{draft.pk}/change/$"))
    expect(admin.locator("ul.messagelist li.success")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED

    # It is public now, and the matching social enterprise heard about it.
    page.goto(f"{live_server.url}/requests/{draft.code}/")
    expect(page.locator(".opportunity__awaiting")).to_have_count(0)
    assert list(Match.objects.values_list("enterprise", flat=True)) == [enterprise.pk]
    assert any(message.to == [listener.email] for message in mail.outbox)
