"""A buyer's spend in the social economy (issue 23, item 5) in the browser: the demo public
buyer logs in, opens its spend from the dashboard, uploads this year's purchases as an Excel
workbook, reads the figures (no serious or critical axe violation), and prints them without
navigation or buttons. With $BRUGWERK_SCREENSHOTS set to a folder, it saves the page on screen
and on paper."""

import io
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from companies.demo import ORGANISATIONS, demo_enterprise_number
from portal.demo import DEMO_PASSWORD
from tests.e2e.test_accessibility import BLOCKING, audit, seed_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUYER = "inkoop@brugwerk.test"
NUMBER = {demo.name: demo_enterprise_number(i) for i, demo in enumerate(ORGANISATIONS, 1)}


def workbook(path):
    book = Workbook()
    sheet = book.active
    sheet.append(["supplier_enterprise_number", "amount", "category", "description"])
    sheet.append([NUMBER["Groenwerk Haspengouw"], 30000, "groenonderhoud", "Parken"])
    sheet.append([NUMBER["Hotel De Mergel"], 10000, None, "Recepties"])
    sheet.append(["0403.170.701", 60000, None, "Elektriciteit"])
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_a_buyer_uploads_a_year_and_prints_its_spend(live_server, browser, axe_script, tmp_path):
    seed_demo()
    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(axe_script))
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(BUYER)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    page.get_by_role("link", name="Aankopen in de sociale economie").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stad Bilzen-Hoeselt")
    page.get_by_role("link", name="Laad de aankopen van een jaar op").click()
    year = timezone.localdate().year
    page.get_by_label("Jaar van de aankopen").fill(str(year))
    page.get_by_label("Bestand (CSV of Excel .xlsx)").set_input_files(
        str(workbook(tmp_path / "aankopen.xlsx"))
    )
    page.get_by_role("button", name="Opladen").click()

    expect(page.locator(".messages")).to_contain_text("De 3 aankoopregels")
    expect(page.get_by_role("heading", name=f"Aankopen van {year}")).to_be_visible()
    figures = page.locator(".spend__figures")
    expect(figures).to_contain_text("€ 100.000,00")
    expect(figures).to_contain_text("€ 30.000,00 (30,0%)")
    expect(page.locator("#unmatched")).to_contain_text("0403.170.701")
    blocking = [v for v in audit(page) if v["impact"] in BLOCKING]
    assert not blocking, blocking

    shots = os.environ.get("BRUGWERK_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / "spend.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".spend__actions")).to_be_hidden()
    expect(page.locator(".spend__no-print").first).to_be_hidden()
    expect(page.locator("#by-recognition")).to_be_visible()
    if shots:
        page.pdf(path=str(Path(shots) / "spend.pdf"), format="A4")
    context.close()
