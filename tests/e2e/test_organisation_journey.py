"""A new user puts a firm on the portal, corrects an invalid enterprise number, edits the profile
and invites a colleague, who receives the invitation by email.

The steps rely on input names, roles and the data typed in, not on interface texts.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from companies.models import Invitation, Membership, Organisation
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_create_a_firm_edit_it_and_invite_a_colleague(live_server, page, mail_delivery, settings):
    settings.SITE_URL = live_server.url
    call_command("load_reference_data", verbosity=0)
    founder = UserFactory(email="fien.founder@example.be", name="Fien Founder")

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(founder.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    # No organisation yet: the dashboard offers to add one.
    page.locator('main a[href="/organisations/new/"]').first.click()
    expect(page).to_have_url(re.compile(r"/organisations/new/$"))
    # First the kind; the form then asks only what applies to it (no social-economy section).
    page.locator("input[name=kind][value=regular]").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/organisations/new/\?kind=regular$"))
    expect(page.locator("input[name=recognitions]")).to_have_count(0)
    expect(page.locator("input[name=target_groups]")).to_have_count(0)
    page.locator("input[name=name]").fill("Bakkerij De Korenbloem")
    page.locator("input[name=enterprise_number]").fill("0403.170.702")
    page.locator("input[name=street]").fill("Grote Markt 1")
    page.locator("input[name=postcode]").fill("3700")
    # Enter in a field saves (the form's first button), it does not run the KBO lookup.
    page.locator("input[name=postcode]").press("Enter")

    # The wrong check digits are named, the input is kept, and nothing was created.
    number = page.locator("input[name=enterprise_number]")
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_enterprise_number_error")).to_contain_text("0403.170.702")
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator("input[name=name]")).to_have_value("Bakkerij De Korenbloem")
    expect(page.locator("input[name=postcode]")).to_have_value("3700")
    assert not Organisation.objects.exists()

    number.fill("BE 0403 170 701")
    page.locator("main form[enctype] button[type=submit].button:not([name])").click()
    expect(page).to_have_url(re.compile(r"/organisations/bakkerij-de-korenbloem/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bakkerij De Korenbloem")
    organisation = Organisation.objects.get()
    assert organisation.enterprise_number == "0403170701"
    assert Membership.objects.get(organisation=organisation).user == founder

    # Edit the profile.
    page.locator('main a[href="/organisations/bakkerij-de-korenbloem/edit/"]').first.click()
    expect(page.locator("input[name=enterprise_number]")).to_have_value("0403.170.701")
    page.locator("textarea[name=description]").fill("Ambachtelijk brood uit Tongeren.")
    page.locator("input[name=phone]").fill("+32 12/34.56.78")
    page.locator("main form[enctype] button[type=submit].button:not([name])").click()
    expect(page).to_have_url(re.compile(r"/organisations/bakkerij-de-korenbloem/$"))
    expect(page.locator("main")).to_contain_text("Ambachtelijk brood uit Tongeren.")
    # The phone number is stored in one form and shown as people write it.
    expect(page.locator("main a[href='tel:+3212345678']")).to_have_text("012 34 56 78")

    # Invite a colleague from the members page.
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("main")).to_contain_text("Bakkerij De Korenbloem")
    page.locator('main a[href="/organisations/bakkerij-de-korenbloem/members/"]').click()
    expect(page.get_by_role("table")).to_contain_text(founder.email)
    page.locator("input[name=email]").fill("collega@example.be")
    page.locator("select[name=role]").last.select_option("editor")
    page.locator("input[name=email]").press("Enter")
    expect(page.get_by_role("table").last).to_contain_text("collega@example.be")

    message = mail_delivery.wait_for(1)[0]
    assert message["To"] == "collega@example.be"
    assert "Bakkerij De Korenbloem" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    token = Invitation.objects.get(email="collega@example.be").token
    assert f"{live_server.url}/organisations/invitations/{token}/" in body
