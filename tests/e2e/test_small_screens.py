"""Phone-sized screens (issue 18): a phone of 375 x 667 CSS pixels, on the demo data, in Dutch.

- The header is one row (at most ~120 px) with the navigation folded into a "Menu" disclosure
  (<details>: it opens without script), and the skip link is still the first Tab stop.
- Every page with a search box shows it without scrolling: the directory, vacancies, service
  requests, joining an organisation and declaring a collaboration (the "Save this search" panel
  sits under the results' heading, never above the search). List pages without a search box
  show their heading and first content without scrolling.
- The dashboard's tables stack their rows: nothing scrolls sideways, for an employer (the
  response counts) and a social enterprise.

With $BRUGWERK_SCREENSHOTS set to a folder, each page is saved there (folder "375px").
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import (
    BLOCKING,
    Target,
    acting_organisation,
    audit,
    open_as,
    seed_demo,
    visit,
)

# Layout and accessibility: the markup is the same on either database (pytest.mark.once).
pytestmark = [pytest.mark.e2e, pytest.mark.once, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}
HEADER_MAX = 120

BOX = """(selector) => {
  const element = document.querySelector(selector);
  if (!element) return null;
  const box = element.getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, left: box.left, right: box.right,
          scrollY: window.scrollY, height: innerHeight, width: innerWidth};
}"""


def box(page, selector):
    found = page.evaluate(BOX, selector)
    assert found, f"no {selector} on {page.url}"
    return found


def within_first_screen(found):
    return (
        found["scrollY"] == 0
        and found["top"] >= 0
        and found["bottom"] <= found["height"]
        and found["left"] >= 0
        and found["right"] <= found["width"]
    )


def search_pages(firm_slug):
    return {
        "visitor": [
            Target("visitor", "directory", "companies:directory"),
            Target("visitor", "directory search", "companies:directory", query="q=groen"),
            Target("visitor", "vacancies", "vacancies:vacancy_list"),
            Target("visitor", "requests", "vacancies:request_list"),
        ],
        "employer": [
            # Logged in, the "Save this search" panel is a form: still under the search.
            Target("employer", "directory", "companies:directory", query="q=groen"),
            Target("employer", "vacancies", "vacancies:vacancy_list"),
            Target("employer", "requests", "vacancies:request_list"),
            Target("employer", "join an organisation", "companies:join"),
            Target(
                "employer",
                "declare a collaboration",
                "companies:collaboration_declare",
                {"slug": firm_slug},
            ),
        ],
    }


def other_list_pages(firm_slug):
    return {
        "visitor": [
            Target("visitor", "voucher programmes", "vouchers:programme_list"),
            Target("visitor", "reports", "companies:reports"),
        ],
        "employer": [
            Target("employer", "my vouchers", "vouchers:my_vouchers"),
            Target("employer", "collaborations", "companies:collaborations", {"slug": firm_slug}),
            Target("employer", "saved searches", "vacancies:saved_searches"),
        ],
        "social": [Target("social", "vouchers to redeem", "vouchers:to_redeem")],
    }


def screenshot(page, who, name):
    folder = os.environ.get("BRUGWERK_SCREENSHOTS")
    if folder:
        slug = re.sub(r"[^a-z0-9]+", "-", f"{who} {name}").strip("-")
        Path(folder, "375px").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder, "375px", f"{slug}.png")), full_page=True)


def check_header(page, url, problems):
    header = box(page, "header.site-header")
    if header["bottom"] - header["top"] > HEADER_MAX:
        problems.append(f"{url}: the header is {header['bottom'] - header['top']:.0f} px high")
    # Folded: the wide navigation is not shown, the menu button is, and its panel is closed.
    if page.locator(".site-nav").count() and page.locator(".site-nav").is_visible():
        problems.append(f"{url}: the navigation band shows on a phone")
    if not page.locator("summary.site-menu__toggle").is_visible():
        problems.append(f"{url}: no Menu button")
    if page.locator(".site-menu__panel").is_visible():
        problems.append(f"{url}: the menu is open before anyone asked")


def test_on_a_phone_every_search_box_shows_without_scrolling_under_a_one_row_header(
    live_server, browser
):
    seed_demo()
    firm = acting_organisation("werkgever@brugwerk.test")
    problems, seen, sessions = [], 0, {}
    for who, targets in search_pages(firm.slug).items():
        page = open_as(browser, live_server, who, viewport=PHONE, sessions=sessions)
        for target in targets:
            url = visit(page, live_server, target)
            seen += 1
            check_header(page, url, problems)
            search = box(page, "main input[name=q]")
            if not within_first_screen(search):
                problems.append(f"{url} ({who}): the search box is at {search}")
            panel = page.evaluate(BOX, "section.save-search")
            if panel and panel["top"] < search["bottom"]:
                problems.append(f"{url} ({who}): the Save this search panel is above the search")
            screenshot(page, who, target.name)
        page.context.close()
    assert seen == 9
    assert not problems, "\n".join(problems)


def test_on_a_phone_list_pages_without_a_search_start_on_the_first_screen(live_server, browser):
    seed_demo()
    firm = acting_organisation("werkgever@brugwerk.test")
    problems, sessions = [], {}
    for who, targets in other_list_pages(firm.slug).items():
        page = open_as(browser, live_server, who, viewport=PHONE, sessions=sessions)
        for target in targets:
            url = visit(page, live_server, target)
            check_header(page, url, problems)
            heading = box(page, "main h1")
            if not within_first_screen(heading) or heading["top"] > HEADER_MAX + 60:
                problems.append(f"{url} ({who}): the heading is at {heading}")
            screenshot(page, who, target.name)
        page.context.close()
    assert not problems, "\n".join(problems)


def test_the_menu_opens_without_script_and_keeps_the_skip_link_first(live_server, browser):
    context = browser.new_context(locale="nl-BE", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/organisations/")
    menu = page.locator("summary.site-menu__toggle")
    expect(menu).to_have_text("Menu")
    panel = page.locator(".site-menu__panel")
    expect(panel).to_be_hidden()

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('a.skip-link')")
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('summary.site-menu__toggle')"):
            break
    else:
        pytest.fail("Tab never reached the Menu button")
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    page.keyboard.press("Enter")

    expect(panel).to_be_visible()
    links = panel.locator(".main-nav a")
    expect(links.first).to_have_attribute("href", "/organisations/")
    expect(panel.get_by_role("link", name="Inloggen")).to_be_visible()
    # The menu lies over the page, full width, and does not widen it.
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    panel.locator('.main-nav a[href="/vacancies/"]').click()
    expect(page).to_have_url(re.compile(r"/vacancies/$"))
    context.close()


def test_on_a_wide_screen_the_navigation_is_a_band_and_the_menu_button_is_gone(live_server, page):
    page.goto(f"{live_server.url}/")

    expect(page.locator(".site-nav .main-nav")).to_be_visible()
    expect(page.locator("summary.site-menu__toggle")).to_be_hidden()


@pytest.mark.parametrize("who", ["employer", "social"])
def test_the_dashboard_does_not_scroll_sideways_on_a_phone(live_server, browser, axe_script, who):
    seed_demo()
    page = open_as(browser, live_server, who, axe=axe_script, viewport=PHONE)
    visit(page, live_server, Target(who, "dashboard", "dashboard"))

    scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert scroll <= inner
    wide = page.evaluate(
        "[...document.querySelectorAll('main .table-wrap')]"
        ".filter((w) => w.scrollWidth > w.clientWidth).length"
    )
    assert wide == 0, "a dashboard table scrolls sideways"
    if who == "employer":
        # The response counts are on the screen, each with its column's name.
        counts = page.locator("main table.table--stacked td[data-label]").filter(
            has_text=re.compile(r"^\d+$")
        )
        assert counts.count() >= 4
        first = counts.first.bounding_box()
        assert first["x"] >= 0 and first["x"] + first["width"] <= inner
        label = page.evaluate(
            "(cell) => getComputedStyle(cell, '::before').content",
            counts.first.element_handle(),
        )
        assert label.strip('"') in {"Nieuw", "In gesprek", "Aanvaard", "Geweigerd"}
    blocking = [v for v in audit(page) if v["impact"] in BLOCKING]
    assert not blocking, blocking
    screenshot(page, who, "dashboard")
    page.context.close()


def test_the_save_this_search_panel_under_the_results_still_saves_the_search(live_server, browser):
    """Its fields sit inside the page's search form (GET) and belong to its own POST form."""
    from vacancies.models import SavedSearch

    seed_demo()
    page = open_as(browser, live_server, "employer", viewport=PHONE)
    page.goto(f"{live_server.url}/organisations/?q=groen")
    panel = page.locator("section.save-search")
    panel.locator("select").select_option("weekly")
    panel.get_by_role("button").click()

    expect(page.locator(".messages")).to_be_visible()
    saved = SavedSearch.objects.get(user__email="werkgever@brugwerk.test", query__contains="groen")
    assert saved.frequency == "weekly"
    page.context.close()
