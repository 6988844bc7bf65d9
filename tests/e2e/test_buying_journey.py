"""Issue 23's journey: a school uploads a purchasing plan of ten lines in CPV codes, reads the
advice, opens the advice sheet to print, publishes a service request for the line that no
enterprise can take, and records an award that the supplier confirms. One line is cleaned at two
sites (Hasselt and Brugge) that no single cleaner reaches: the school writes to the two that
carry it together (issue 23, item 6).

The steps rely on input names, addresses and the data typed in, not on interface texts.
"""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from companies.models import Collaboration, OfferedService
from portal.models import Notification, ServiceCategory
from procurement.models import PurchasingPlan
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    OwnerFactory,
    UserFactory,
    listed_organisation,
    postcode,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Ten purchases of a school in Hasselt: green maintenance and cleaning are well served there,
# printing is not offered by anyone.
PLAN = [
    ("Maaien van de speelplaats", "77310000-6"),
    ("Snoeien van de hagen", "77341000-2"),
    ("Onderhoud van de sportvelden", "77320000-9"),
    ("Groenonderhoud campus 2", "77311000-3"),
    ("Bomen planten", "77211400-6"),
    ("Schoonmaak van de klassen", "90911200-8"),
    ("Ramen wassen", "90911300-9"),
    ("Schoonmaak van de sporthal", "90919200-4"),
    ("Schoonmaak na de verbouwing", "90910000-9"),
    ("Drukwerk schoolkrant", "79810000-5"),
]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_a_school_plans_its_purchases_and_records_an_award_the_supplier_confirms(
    live_server, page, browser, tmp_path
):
    call_command("load_reference_data", verbosity=0)
    school = OrganisationFactory(
        kind="school",
        name="Atheneum Hasselt",
        postcode=postcode("3500"),
        verified_at=timezone.now(),
    )
    teacher = UserFactory(email="els.econoom@example.be", name="Els Econoom")
    OwnerFactory(organisation=school, user=teacher)
    gardeners = [
        listed_organisation(
            name=f"Groenploeg {n}",
            code="3500",
            recognitions=["maatwerkbedrijf"],
            verified_at=timezone.now(),
            services=["groenonderhoud"],
        )
        for n in range(3)
    ]
    cleaner = listed_organisation(
        name="Poetsploeg Hasselt",
        code="3500",
        recognitions=["werkervaring"],
        services=["schoonmaak"],
    )
    # A cleaner of Brugge: with the one of Hasselt (10 km each) it carries the two-site line.
    cleaner_brugge = listed_organisation(
        name="Poetsploeg Brugge",
        code="8000",
        recognitions=["werkervaring"],
        services=["schoonmaak"],
    )
    for organisation in (cleaner, cleaner_brugge):
        OwnerFactory(organisation=organisation)
    OfferedService.objects.filter(organisation__in=gardeners).update(radius_km=None)
    OfferedService.objects.filter(organisation__in=[cleaner, cleaner_brugge]).update(radius_km=10)
    supplier_user = UserFactory(email="guy.groen@example.be", name="Guy Groen")
    OwnerFactory(organisation=gardeners[0], user=supplier_user)

    # The school's owner uploads its plan, written in CPV codes.
    plan_file = tmp_path / "aankoopplan.csv"
    rows = ["subject;cpv;postcode;amount;period"]
    rows += [
        f"{subject};{code};{'3500, 8000' if n == 8 else '3500'};{1000 * (n + 1)};2027"
        for n, (subject, code) in enumerate(PLAN)
    ]
    plan_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    log_in(page, live_server, teacher)
    page.goto(f"{live_server.url}/buying/")
    page.locator("input[name=upload-file]").set_input_files(str(plan_file))
    page.locator("input[name=upload-title]").fill("Aankoopplan 2027")
    page.locator("button[name=action][value=upload]").click()
    plan = PurchasingPlan.objects.get()
    expect(page).to_have_url(re.compile(rf"/buying/plans/{plan.code}/$"))
    assert plan.organisation == school and plan.lines.count() == 10

    # Each line has its advice: a reserved contract for green maintenance, an execution clause
    # for cleaning (one enterprise), sounding out the market for printing.
    expect(page.locator("li.advice")).to_have_count(10)
    expect(page.locator("#line-1")).to_contain_text("3 geverifieerde ondernemingen")
    expect(page.locator("#line-6")).to_contain_text("Poetsploeg Hasselt")
    expect(page.locator("#line-9 .advice__joint")).to_have_count(1)
    printing = page.locator("#line-10")
    expect(printing.locator('a[href^="/requests/new/"]')).to_have_count(1)

    # The advice sheet to print, with the model clauses of the routes advised.
    page.locator('a[href="?format=print"]').first.click()
    expect(page).to_have_url(re.compile(r"format=print"))
    expect(page.locator("link[href*='advice-print']")).to_have_count(1)
    expect(page.locator(".advice-sheet__clauses")).to_contain_text("artikel 15")
    page.go_back()

    # The line without capacity becomes a prefilled service request.
    page.locator("#line-10").locator('a[href^="/requests/new/"]').click()
    expect(page.locator("input[name=title]")).to_have_value("Drukwerk schoolkrant")
    printing_category = ServiceCategory.objects.get(slug="drukwerk-mailing")
    expect(page.locator("select[name=category]")).to_have_value(str(printing_category.pk))

    # The school records that the first line went to Groenploeg 0 as a reserved contract.
    page.goto(f"{live_server.url}/buying/plans/{plan.code}/")
    line = page.locator("#line-1")
    line.locator("details.advice__record summary").click()
    line.locator("select[name=outcome-1-outcome]").select_option("reserved_contract")
    line.locator("select[name=outcome-1-supplier]").select_option(gardeners[0].slug)
    line.locator("details.advice__record button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/buying/plans/{plan.code}/#line-1$"))
    collaboration = Collaboration.objects.get()
    assert (collaboration.regular, collaboration.social) == (school, gardeners[0])
    assert collaboration.channel == "public_procurement"

    # The supplier confirms it among its collaborations.
    supplier = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    supplier.set_default_timeout(15_000)
    supplier_page = supplier.new_page()
    log_in(supplier_page, live_server, supplier_user)
    supplier_page.goto(f"{live_server.url}/organisations/{gardeners[0].slug}/collaborations/")
    supplier_page.locator(
        f"#collaboration-{collaboration.pk} form button[type=submit]"
    ).first.click()
    collaboration.refresh_from_db()
    assert collaboration.confirmed_by_social_at is not None
    supplier.close()

    page.reload()
    expect(page.locator("#line-1 .badge--verified").last).to_be_visible()

    # The cleaning at two sites: the school writes to both cleaners together.
    page.locator("#line-9 a[href*='/together/']").click()
    expect(page.locator("input[name=members]")).to_have_value(
        f"{cleaner_brugge.slug},{cleaner.slug}"
    )
    page.locator("textarea[name=message]").fill("Kunnen jullie samen beide campussen poetsen?")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/buying/plans/{plan.code}/#line-9$"))
    assert Notification.objects.filter(kind="contact_message").count() == 2
