"""The regisseur's morning (issue 19, "done when"): logged in with two factors, the regisseur of
Zuidoost-Limburg sees what waits for them with counts, verifies an organisation from its page,
approves a new poster's waiting request (which then reaches the matching social enterprise),
accepts a claim, approves a voucher with the applicant's history and the pair's collaboration
in view, and downloads the payouts with the providers' bank accounts.

The steps rely on addresses, ids and the data, not on interface texts. With $BRUGWERK_SCREENSHOTS
set to a folder, the pages are saved there in Dutch and French (folder "regisseur").
"""

import csv
import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from companies.models import Claim, Collaboration, Membership
from tests.factories import (
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    ProgrammeFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    VoucherFactory,
    first_service_category,
    postcode,
    region,
)
from vacancies import lifecycle
from vacancies.models import Match, Status
from vouchers.models import VoucherStatus

from .test_voucher_journey import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def screenshot(page, name):
    folder = os.environ.get("BRUGWERK_SCREENSHOTS")
    if folder:
        Path(folder, "regisseur").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder, "regisseur", f"{name}.png")), full_page=True)


def queue_counts(page):
    """The admin home's queue for Zuidoost-Limburg: each row's link (its path and filter) and
    the count its summary starts with."""
    rows = page.locator("#work-queue-zuidoost-limburg tr").all()
    return {
        row.locator("a").get_attribute("href"): int(
            re.match(r"\d+", row.locator("td").inner_text())[0]
        )
        for row in rows
        if row.locator("a").count()
    }


def test_a_regisseur_works_through_the_queue(live_server, browser):
    category = first_service_category()
    regisseur = StaffFactory(email="rita.regisseur@example.be", name="Rita Regisseur")
    region("zuidoost-limburg").regisseurs.add(regisseur)

    # To verify: a firm in Tongeren that signed up yesterday.
    newcomer = OrganisationFactory(name="Schrijnwerkerij Jekerdal", postcode=postcode("3700"))
    poster = UserFactory(email="jan.jekerdal@example.be", name="Jan Jekerdal")
    OwnerFactory(organisation=newcomer, user=poster)
    # Its first service request waits for a check; a social enterprise nearby offers the service.
    request = ServiceRequestFactory(organisation=newcomer, category=category)
    lifecycle.publish(request, by=poster)
    request.refresh_from_db()
    assert request.status == Status.AWAITING
    enterprise = SocialEnterpriseFactory(postcode=postcode("3500"), verified_at=timezone.now())
    OfferedServiceFactory(organisation=enterprise, category=category, radius_km=50)
    OwnerFactory(organisation=enterprise, user=UserFactory(email="sara.sociaal@example.be"))
    # A claim on a listing nobody holds.
    listing = SocialEnterpriseFactory(
        name="Groenhart Tongeren", postcode=postcode("3700"), verified_at=timezone.now()
    )
    claimant = UserFactory(email="clara@groenhart.be", name="Clara Claimant")
    claim = Claim.objects.create(
        organisation=listing,
        claimant=claimant,
        email=claimant.email,
        domain_matches=False,
        role="Zaakvoerder",
        phone="+3211234567",
    )
    # A voucher to decide: the applicant had one before, and already works with the provider.
    programme = ProgrammeFactory(name="Kennismakingscheques Zuidoost-Limburg")
    earlier = VoucherFactory(programme=programme, paid=True)
    application = VoucherFactory(
        programme=programme, applicant=earlier.applicant, provider=earlier.provider
    )
    Collaboration.objects.create(
        regular=earlier.applicant,
        social=earlier.provider,
        role="client",
        category=category,
        started=date(2024, 3, 1),
        channel="voucher",
        confirmed_by_regular_at=timezone.now(),
        confirmed_by_social_at=timezone.now(),
    )
    # A redeemed voucher to pay, to a provider with its bank account.
    to_pay = VoucherFactory(programme=programme, redeemed=True)
    assert to_pay.provider.iban

    admin = log_in(browser, live_server, regisseur)

    # The queue, with counts, on the admin home.
    admin.goto(f"{live_server.url}/admin/")
    counts = queue_counts(admin)
    screenshot(admin, "nl-1-queue")
    # The newcomer, its request, the claim, the voucher to decide and the one to pay.
    assert sorted(counts.values()) == [1, 1, 1, 1, 1], counts
    assert {href.split("?")[0] for href in counts} == {
        "/admin/companies/organisation/",
        "/admin/vacancies/servicerequest/",
        "/organisations/claims/",
        "/admin/vouchers/voucher/",
    }

    # Verify the newcomer from its page, which shows its owner.
    admin.locator('#work-queue-zuidoost-limburg a[href^="/admin/companies/organisation/"]').click()
    admin.locator(f'a[href^="/admin/companies/organisation/{newcomer.pk}/change/"]').click()
    expect(admin.locator("#content")).to_contain_text("jan.jekerdal@example.be")
    expect(admin.locator("input[type=submit][name=_save]")).to_have_count(0)
    screenshot(admin, "nl-2-organisation")
    admin.locator("a#organisation-verify").click()
    admin.locator("#organisation-verify-submit").click()
    expect(admin.locator("ul.messagelist li.success")).to_be_visible()
    newcomer.refresh_from_db()
    assert newcomer.verified_by == regisseur

    # Approve the waiting request: then it reaches the matching enterprise.
    admin.goto(f"{live_server.url}/admin/")
    admin.locator(
        '#work-queue-zuidoost-limburg a[href*="/admin/vacancies/servicerequest/?status__exact='
        'awaiting"]'
    ).click()
    admin.locator(f'a[href*="/admin/vacancies/servicerequest/{request.pk}/change/"]').click()
    screenshot(admin, "nl-3-request")
    admin.locator("a#opportunity-approve").click()
    admin.locator("#opportunity-check-submit").click()
    expect(admin.locator("ul.messagelist li.success")).to_be_visible()
    request.refresh_from_db()
    assert request.status == Status.PUBLISHED
    assert list(Match.objects.values_list("enterprise", flat=True)) == [enterprise.pk]
    assert any(message.to == ["sara.sociaal@example.be"] for message in mail.outbox)

    # Accept the claim.
    admin.goto(f"{live_server.url}/admin/")
    admin.locator('#work-queue-zuidoost-limburg a[href^="/organisations/claims/"]').click()
    item = admin.locator(f"#claim-{claim.pk}")
    expect(item).to_contain_text("clara@groenhart.be")
    screenshot(admin, "nl-4-claims")
    item.locator("button[name=decision][value=accept]").click()
    expect(admin.locator(f"#claim-{claim.pk}")).to_have_count(0)
    assert Membership.objects.filter(organisation=listing, user=claimant).exists()

    # Approve the voucher, seeing the earlier voucher and the pair in the register.
    admin.goto(f"{live_server.url}/admin/vouchers/voucher/{application.pk}/change/")
    expect(admin.locator("#earlier-vouchers")).to_contain_text(earlier.code)
    expect(admin.locator("#pair-collaborations")).to_contain_text("2024")
    screenshot(admin, "nl-5-voucher")
    admin.locator("a#voucher-approve").click()
    expect(admin.locator("#earlier-vouchers")).to_contain_text(earlier.code)
    admin.locator("#voucher-step-submit").click()
    expect(admin.locator("ul.messagelist li.success")).to_be_visible()
    application.refresh_from_db()
    assert application.status == VoucherStatus.APPROVED

    # Download the payouts: the redeemed voucher with its provider's account.
    admin.goto(f"{live_server.url}/admin/vouchers/voucher/?status__exact=redeemed")
    with admin.expect_download() as download:
        admin.locator('a[href^="/admin/vouchers/voucher/payouts/"]').first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    paid_to = [row for row in rows if to_pay.code in row]
    assert len(paid_to) == 1 and to_pay.provider.iban in paid_to[0], rows

    # What a French-speaking regisseur sees of the same pages.
    for path, name in [
        ("/fr/admin/", "fr-1-queue"),
        (f"/fr/admin/companies/organisation/{newcomer.pk}/change/", "fr-2-organisation"),
        (f"/fr/admin/vacancies/servicerequest/{request.pk}/change/", "fr-3-request"),
        ("/fr/organisations/claims/", "fr-4-claims"),
        (f"/fr/admin/vouchers/voucher/{application.pk}/change/", "fr-5-voucher"),
    ]:
        admin.goto(f"{live_server.url}{path}")
        expect(admin.locator("html")).to_have_attribute("lang", re.compile("^fr"))
        screenshot(admin, name)
    expect(admin.locator("#earlier-vouchers")).to_contain_text(earlier.code)
    admin.context.close()
