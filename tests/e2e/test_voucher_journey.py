"""An employer applies for an introduction voucher; the regisseur approves it in the admin; the
social enterprise redeems it with the code the employer gives it; the regisseur marks it paid;
the programme's budget panel in the admin shows the right figures.

The steps rely on addresses, input names, ids and the data typed in, not on interface texts.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.models import ServiceCategory
from tests.factories import (
    PASSWORD,
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    ProgrammeFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    VoucherFactory,
    in_days,
    postcode,
    region,
    totp_code,
)
from vouchers.models import Voucher, VoucherStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(browser, live_server, user):
    """A browser of its own for each person, logged in."""
    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    if user.is_staff:
        # Staff have an authenticator app (StaffFactory): the second step asks for its code.
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
        page.locator("input[name=code]").fill(totp_code())
        page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    return page


def figures(page):
    """The budget panel's figures, as plain numbers."""
    panel = page.locator("table#budget-panel")
    expect(panel).to_be_visible()
    return {
        cell.get_attribute("data-figure"): cell.get_attribute("data-value")
        for cell in panel.locator("[data-figure]").all()
    }


def test_a_voucher_is_applied_for_approved_redeemed_and_paid(live_server, browser):
    green = ServiceCategory.objects.get(slug="groenonderhoud")
    programme = ProgrammeFactory(name="Kennismakingscheques Zuidoost-Limburg", budget=15000)
    firm = OrganisationFactory(
        name="Drukkerij Mergelland", postcode=postcode("3700"), verified_at=timezone.now()
    )
    employer = UserFactory(email="erik.employer@example.be", name="Erik Employer")
    OwnerFactory(organisation=firm, user=employer)
    provider = SocialEnterpriseFactory(
        name="Groenploeg Haspengouw", postcode=postcode("3700"), verified_at=timezone.now()
    )
    OfferedServiceFactory(organisation=provider, category=green)
    other = SocialEnterpriseFactory(name="Andere Onderneming", verified_at=timezone.now())
    OfferedServiceFactory(organisation=other, category=green)
    provider_user = UserFactory(email="sara.sociaal@example.be", name="Sara Sociaal")
    OwnerFactory(organisation=provider, user=provider_user)
    regisseur = StaffFactory(email="rita.regisseur@example.be", name="Rita Regisseur")
    region("zuidoost-limburg").regisseurs.add(regisseur)
    # Another firm's voucher already holds 500 of the budget.
    VoucherFactory(programme=programme, approved=True)

    # The employer finds the programme, sees what is left, and applies.
    page = log_in(browser, live_server, employer)
    page.goto(f"{live_server.url}/vouchers/")
    page.locator(f'a[href="/vouchers/{programme.slug}/"]').first.click()
    expect(page).to_have_url(re.compile(rf"/vouchers/{programme.slug}/$"))
    page.locator(f'a[href="/vouchers/{programme.slug}/apply/"]').click()
    expect(page.locator("select[name=provider] option")).to_have_count(3)
    page.locator("input[name=q]").fill("groenploeg")
    page.locator("input[name=q]").press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=groenploeg$"))
    providers = page.locator("select[name=provider] option")
    expect(providers).to_have_count(2)  # the empty choice and Groenploeg Haspengouw
    page.locator("select[name=provider]").select_option(str(provider.pk))
    page.locator("form.provider-choice button[type=submit]").click()
    # Step 2: the chosen provider's services only; choosing another keeps what was typed.
    expect(page).to_have_url(re.compile(rf"\?q=groenploeg&provider={provider.pk}$"))
    expect(page.locator("select[name=category] option")).to_have_count(2)
    page.locator("textarea[name=intended_use]").fill("Maaien van het gras rond de drukkerij.")
    page.locator("form.apply-form button[name=change]").click()
    expect(page.locator("select[name=provider]")).to_have_value(str(provider.pk))
    page.locator("form.provider-choice button[type=submit]").click()
    expect(page.locator("textarea[name=intended_use]")).to_have_value(
        "Maaien van het gras rond de drukkerij."
    )
    page.locator("select[name=category]").select_option(str(green.pk))
    page.locator("textarea[name=intended_use]").fill("Maaien van het gras rond de drukkerij.")
    page.locator("input[name=expected_date]").fill(str(in_days(14)))
    page.locator("input[name=accept_terms]").check()
    page.locator("form.apply-form button[type=submit]:not([name])").click()
    voucher = Voucher.objects.get(applicant=firm)
    expect(page).to_have_url(re.compile(rf"/vouchers/mine/#voucher-{voucher.pk}$"))
    expect(page.locator(f"#voucher-{voucher.pk}")).to_contain_text("Groenploeg Haspengouw")
    assert voucher.status == VoucherStatus.SUBMITTED

    # The regisseur approves it in the admin.
    admin = log_in(browser, live_server, regisseur)
    admin.goto(f"{live_server.url}/admin/vouchers/voucher/{voucher.pk}/change/")
    admin.locator("a#voucher-approve").click()
    admin.locator("#voucher-step-submit").click()
    expect(admin).to_have_url(re.compile(rf"/admin/vouchers/voucher/{voucher.pk}/change/$"))
    expect(admin.locator("ul.messagelist li.success")).to_be_visible()
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.APPROVED

    # The employer sees the code and passes it on (typed as people type it).
    page.goto(f"{live_server.url}/vouchers/mine/")
    code = page.locator(f"#voucher-{voucher.pk} .voucher-code__value").inner_text().strip()
    assert code == voucher.code
    typed = f"{code[:3]} {code[3:8]} {code[8:]}".lower()

    # The social enterprise finds the voucher by its code and redeems it with its invoice,
    # which is higher than the voucher's value.
    social = log_in(browser, live_server, provider_user)
    social.goto(f"{live_server.url}/vouchers/redeem/")
    social.locator("input[name=code]").fill(typed)
    social.locator("form.find-voucher button[type=submit]").click()
    expect(social).to_have_url(re.compile(rf"/vouchers/redeem/{code}/$"))
    social.locator("input[name=delivered_on]").fill(str(in_days(0)))
    social.locator("input[name=invoice_number]").fill("F2026-0107")
    social.locator("input[name=invoice_amount]").fill("620.00")
    social.locator("form.redeem-form button[type=submit]").click()
    expect(social).to_have_url(re.compile(r"/vouchers/redeem/$"))
    expect(social.locator("table.voucher-table")).to_contain_text(code)
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED
    assert str(voucher.amount) == "500.00"

    # The regisseur records the payment.
    admin.goto(f"{live_server.url}/admin/vouchers/voucher/{voucher.pk}/change/")
    admin.locator("a#voucher-pay").click()
    admin.locator("input[name=paid_on]").fill(str(in_days(0)))
    admin.locator("input[name=reference]").fill("BETALING-2026-031")
    admin.locator("#voucher-step-submit").click()
    expect(admin.locator("ul.messagelist li.success")).to_be_visible()
    voucher.refresh_from_db()
    assert (voucher.status, voucher.payment_reference) == (VoucherStatus.PAID, "BETALING-2026-031")

    # The budget panel: 15,000, of which 500 reserved (the other firm's) and 500 paid.
    admin.goto(f"{live_server.url}/admin/vouchers/programme/{programme.pk}/change/")
    shown = figures(admin)
    assert {key: float(value) for key, value in shown.items()} == {
        "budget": 15000,
        "reserved": 500,
        "redeemed": 0,
        "paid": 500,
        "left": 14000,
        "vouchers_left": 28,
    }

    # The public page says the same.
    page.goto(f"{live_server.url}/en/vouchers/")
    expect(page.locator(".programme-card").first).to_contain_text("28 vouchers still available")
    for context in {admin.context, social.context, page.context}:
        context.close()
