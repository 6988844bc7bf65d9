"""An employer posts a vacancy (correcting an unknown postcode on the way) and a service
request, publishes both at once, and finds both on the dashboard.

The steps rely on input names, roles and the data typed in, not on interface texts.
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from portal.models import Sector, ServiceCategory
from tests.factories import PASSWORD, OrganisationFactory, OwnerFactory, UserFactory, postcode
from vacancies.models import ServiceRequest, Status, Vacancy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_employer_posts_a_vacancy_and_a_service_request(live_server, page, settings):
    settings.SITE_URL = live_server.url
    call_command("load_reference_data", verbosity=0)
    employer = OrganisationFactory(
        name="Bakkerij De Korenbloem", postcode=postcode("3700"), verified_at=timezone.now()
    )
    user = UserFactory(email="wim.werkgever@example.be", name="Wim Werkgever")
    OwnerFactory(organisation=employer, user=user)
    closing = str(timezone.localdate() + timedelta(days=21))

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    # A vacancy, published at once; an unknown postcode is named and the input kept.
    page.locator('main a[href="/vacancies/new/"]').click()
    expect(page).to_have_url(re.compile(r"/vacancies/new/$"))
    expect(page.locator("input[name=postcode]")).to_have_value("3700")
    page.locator("input[name=title]").fill("Hulpbakker voor het ochtendatelier")
    page.locator("textarea[name=description]").fill("Deeg afwegen, broden vormen, ovens laden.")
    page.locator("select[name=sector]").select_option(str(Sector.objects.get(code="C").pk))
    page.locator("select[name=contract_type]").select_option("permanent")
    page.locator("input[name=hours_per_week]").fill("30")
    page.locator("input[name=postcode]").fill("9999")
    page.locator("input[name=closing_date]").fill(closing)
    page.locator("input[name=supports][value]").first.check()
    page.locator("button[name=action][value=publish]").click()

    postcode_input = page.locator("input[name=postcode]")
    expect(postcode_input).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_postcode_error")).to_contain_text("9999")
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator("input[name=title]")).to_have_value("Hulpbakker voor het ochtendatelier")
    assert not Vacancy.objects.exists()

    postcode_input.fill("3700")
    page.locator("button[name=action][value=publish]").click()
    vacancy = Vacancy.objects.get()
    expect(page).to_have_url(re.compile(rf"/vacancies/{vacancy.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hulpbakker voor het ochtendatelier")
    expect(page.locator(f'main a[href="/organisations/{employer.slug}/"]').first).to_be_visible()
    assert vacancy.status == Status.PUBLISHED
    assert vacancy.open_to_doorstroom

    # A service request, published at once.
    page.goto(f"{live_server.url}/dashboard/")
    page.locator('main a[href="/requests/new/"]').click()
    page.locator("input[name=title]").fill("Verpakken van 5.000 geschenkdozen")
    page.locator("textarea[name=description]").fill("Koekjes in dozen, lint en kaartje.")
    category = ServiceCategory.objects.get(slug="verpakking-assemblage")
    page.locator("select[name=category]").select_option(str(category.pk))
    page.locator("input[name=volume]").fill("5.000 dozen")
    page.locator("select[name=budget_band]").select_option("1k-5k")
    page.locator("input[name=closing_date]").fill(closing)
    page.locator("button[name=action][value=publish]").click()
    service_request = ServiceRequest.objects.get()
    expect(page).to_have_url(re.compile(rf"/requests/{service_request.code}/$"))
    expect(page.locator("main")).to_contain_text("5.000 dozen")
    assert service_request.status == Status.PUBLISHED

    # Both on the dashboard, each linking to its page.
    page.goto(f"{live_server.url}/dashboard/")
    main = page.locator("main")
    for title, url in [
        ("Hulpbakker voor het ochtendatelier", f"/vacancies/{vacancy.code}/"),
        ("Verpakken van 5.000 geschenkdozen", f"/requests/{service_request.code}/"),
    ]:
        expect(main.get_by_role("link", name=title)).to_have_attribute("href", url)
