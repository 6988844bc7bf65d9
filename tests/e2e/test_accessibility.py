"""Accessibility (WCAG 2.1 AA) in the browser.

- axe-core (the npm package, installed by `make install-test` from package.json) audits every
  main page in nl, fr and en, logged out and as an employer, a social-enterprise member and a
  regisseur, on the demo data: no serious or critical violation. Each run writes its results
  per page to test-results/axe/<language>.md (or $AXE_SUMMARY_DIR).
- The pages a regisseur works in (the admin's home with the work queue, the lists and change
  pages of organisations, programmes and vouchers, the voucher decision steps, the claims) and
  the two-factor pages (the code asked at login, the overview, the activation and the password
  asked again before it), in nl and fr: the same rule, in test-results/axe/admin-<language>.md.
- The main journeys work with the keyboard alone (Tab, Shift+Tab, Enter, Space, typing): the
  skip link, a directory search, logging in, applying for a voucher; every element the Tab key
  reaches shows a visible focus indicator.
- At 360 px wide and at 200 % zoom (a 1280 px window zoomed in: 640 CSS px at two device
  pixels each) no page scrolls sideways. With $BRUGWERK_SCREENSHOTS set to a folder, that test
  saves a screenshot of every page there, to look at.

axe is injected with Playwright's init scripts (the DevTools protocol), which the page's
Content-Security-Policy does not govern: the pages are audited with their CSP in force, exactly
as visitors get them. `page.add_script_tag` would add an inline <script>, which our CSP
blocks; `bypass_csp=True` would audit pages whose CSP is switched off.
"""

import io
import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from companies.models import Organisation
from events.models import Event
from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from portal.models import Region, ServiceCategory
from tests.conftest import ROOT
from tests.factories import (
    PASSWORD,
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    ProgrammeFactory,
    SocialEnterpriseFactory,
    UserFactory,
    VoucherFactory,
    listed_organisation,
    postcode,
    totp_code,
)
from vacancies.models import ServiceRequest, Status, Vacancy
from vouchers.models import Programme, Voucher, VoucherStatus
from vouchers.views import providers_for

# Layout and accessibility: the markup is the same on either database (pytest.mark.once).
pytestmark = [pytest.mark.e2e, pytest.mark.once, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
IMPACTS = ["critical", "serious", "moderate", "minor"]
BLOCKING = {"critical", "serious"}
LANGUAGES = ["nl", "fr", "en"]

# Demo logins (portal/demo.py, companies/demo.py, vouchers/demo.py).
EMPLOYER = "werkgever@brugwerk.test"
SOCIAL = "sociaal@brugwerk.test"
REGISSEUR = "regisseur@brugwerk.test"

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}"""


# The demo data ------------------------------------------------------------------------------


@dataclass
class Target:
    """One page to audit: who looks at it, a short name, and how to build its address."""

    who: str
    name: str
    url_name: str
    kwargs: dict = field(default_factory=dict)
    query: str = ""
    status: int = 200

    def url(self, language):
        with translation.override(language):
            path = reverse(self.url_name, kwargs=self.kwargs)
        if self.status == 404:
            path += "no-such-page/"
        return f"{path}?{self.query}" if self.query else path


def seed_demo():
    """The demo data of `manage.py seed_demo`: every page has something real to show."""
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())


def acting_organisation(email):
    return Organisation.objects.get(memberships__user__email=email)


def demo_targets():
    """The main pages, per person, in the demo data (found through the ORM, not hard-coded)."""
    firm = acting_organisation(EMPLOYER)
    social = acting_organisation(SOCIAL)
    vacancy = Vacancy.objects.filter(status=Status.PUBLISHED).order_by("code").first()
    own_vacancy = Vacancy.objects.filter(organisation=firm, status=Status.PUBLISHED).first()
    request = ServiceRequest.objects.filter(status=Status.PUBLISHED).order_by("code").first()
    region = Region.objects.filter(municipalities=firm.municipality).first()
    programme = Programme.objects.open().filter(region=region).first()
    to_redeem = Voucher.objects.filter(provider=social, status=VoucherStatus.APPROVED).first()
    coordinated = Region.objects.filter(regisseurs__email=REGISSEUR).first()
    nearest = providers_for(list(programme.categories.all()), near=firm).first()
    # The demo's events (events/demo.py): the fair ahead, where the enterprise is registered,
    # and the coordinated region's past netwerkmoment, where the firm met and made deals.
    ahead = Event.objects.upcoming().filter(registrations__organisation=social).first()
    held = Event.objects.past().filter(region=coordinated).first()
    assert all(
        [vacancy, own_vacancy, request, programme, to_redeem, coordinated, nearest, ahead, held]
    ), "the demo data lack a page to audit"
    targets = [
        Target("visitor", "home", "home"),
        Target("visitor", "directory search", "companies:directory", query="q=groen"),
        # The map of results, with the searched place and its radius (issue 20).
        Target(
            "visitor", "directory near a place", "companies:directory", query="postcode=3700&km=30"
        ),
        Target("visitor", "profile", "companies:profile", {"slug": social.slug}),
        Target("visitor", "vacancies", "vacancies:vacancy_list"),
        Target("visitor", "vacancy", "vacancies:vacancy_detail", {"code": vacancy.code}),
        Target("visitor", "requests", "vacancies:request_list"),
        Target("visitor", "request", "vacancies:request_detail", {"code": request.code}),
        Target("visitor", "voucher programmes", "vouchers:programme_list"),
        Target("visitor", "programme", "vouchers:programme_detail", {"slug": programme.slug}),
        Target("visitor", "reports", "companies:reports"),
        Target("visitor", "report: firms", "companies:report", {"slug": "firms"}),
        Target("visitor", "report: vouchers", "companies:report", {"slug": "vouchers"}),
        Target("visitor", "report: blind spots", "companies:report", {"slug": "blind-spots"}),
        Target("visitor", "events", "events:list"),
        Target("visitor", "event", "events:detail", {"slug": ahead.slug}),
        Target("visitor", "log in", "account_login"),
        Target("visitor", "sign up", "account_signup"),
        Target("visitor", "password reset", "account_reset_password"),
        Target("visitor", "privacy", "privacy"),
        Target("visitor", "API guide", "open_data:guide"),
        Target("visitor", "not found", "home", status=404),
        Target("employer", "dashboard", "dashboard"),
        Target("employer", "saved searches", "vacancies:saved_searches"),
        Target("employer", "email preferences", "notification_preferences"),
        Target("employer", "your data", "account_privacy"),
        Target("employer", "organisation edit", "companies:organisation_edit", {"slug": firm.slug}),
        Target("employer", "add an organisation: kind", "companies:organisation_create"),
        Target(
            "employer",
            "add a social enterprise",
            "companies:organisation_create",
            query="kind=social",
        ),
        Target("employer", "members", "companies:members", {"slug": firm.slug}),
        Target("employer", "post a vacancy", "vacancies:vacancy_create"),
        Target("employer", "post a request", "vacancies:request_create"),
        Target("employer", "own vacancy", "vacancies:vacancy_detail", {"code": own_vacancy.code}),
        Target("employer", "collaborations", "companies:collaborations", {"slug": firm.slug}),
        Target(
            "employer",
            "declare a collaboration",
            "companies:collaboration_declare",
            {"slug": firm.slug},
        ),
        Target("employer", "my vouchers", "vouchers:my_vouchers"),
        Target("employer", "voucher programmes for the firm", "vouchers:programme_list"),
        Target("employer", "apply for a voucher", "vouchers:apply", {"slug": programme.slug}),
        Target(
            "employer",
            "apply for a voucher, step 2",
            "vouchers:apply",
            {"slug": programme.slug},
            query=f"provider={nearest.pk}",
        ),
        Target("employer", "record a deal", "events:deal_new", {"slug": held.slug}),
        Target("social", "dashboard", "dashboard"),
        Target("social", "participants", "events:participants", {"slug": ahead.slug}),
        Target("social", "meetings", "events:meetings", {"slug": ahead.slug}),
        Target("social", "answer a vacancy", "vacancies:vacancy_detail", {"code": vacancy.code}),
        Target("social", "offer on a request", "vacancies:request_detail", {"code": request.code}),
        Target("social", "services", "companies:services", {"slug": social.slug}),
        Target("social", "vouchers to redeem", "vouchers:to_redeem"),
        Target("social", "redeem a voucher", "vouchers:redeem", {"code": to_redeem.code}),
        Target("regisseur", "dashboard", "dashboard"),
        Target("regisseur", "meeting grid", "events:grid", {"slug": held.slug}),
        Target("regisseur", "sign-in list", "events:attendance", {"slug": held.slug}),
        Target("regisseur", "event report", "events:report", {"slug": held.slug}),
        Target(
            "regisseur",
            "report in full",
            "companies:report",
            {"slug": "firms"},
            query=f"region={coordinated.slug}",
        ),
    ]
    return [target for target in targets if _resolves(target)]


def _resolves(target):
    """A page that another part of the portal has not built (yet) is left out."""
    try:
        target.url("nl")
    except NoReverseMatch:
        return False
    return True


LOGINS = {"visitor": None, "employer": EMPLOYER, "social": SOCIAL, "regisseur": REGISSEUR}


def open_as(browser, live_server, who, *, axe=None, viewport=None, scale=1, sessions=None):
    """A browser context of its own for `who`, logged in through the login form.

    `sessions` keeps each person's cookies: a second context for them (another screen size)
    starts logged in, and an authenticator code is never used twice (allauth refuses that).
    """
    sessions = {} if sessions is None else sessions
    context = browser.new_context(
        locale="nl-BE",
        viewport=viewport or {"width": 1280, "height": 900},
        device_scale_factor=scale,
        storage_state=sessions.get(who),
    )
    context.set_default_timeout(15_000)
    if axe:
        context.add_init_script(path=str(axe))
    page = context.new_page()
    email = LOGINS[who]
    if email and who not in sessions:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        if who == "regisseur":
            # Staff sign in with their authenticator app too (portal/twofactor.py).
            page.locator("input[name=code]").fill(totp_code(DEMO_TOTP_SECRET))
            page.locator("main form button[type=submit]").first.click()
        expect(page).to_have_url(re.compile(r"/dashboard/$"))
        sessions[who] = context.storage_state()
    return page


def visit(page, live_server, target, language="nl"):
    """Open the page and check that it is the page meant (not a login redirect)."""
    url = target.url(language)
    response = page.goto(f"{live_server.url}{url}")
    assert response.status == target.status, f"{url} answered {response.status}"
    assert page.url.removeprefix(live_server.url) == url, f"{url} went to {page.url}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    return url


def audit(page):
    return page.evaluate(RUN_AXE, AXE_TAGS)


def summary_table(language, rows):
    lines = [
        f"### axe-core on the demo data, language {language}",
        "",
        "| who | page | address | critical | serious | moderate | minor | rules |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for target, url, violations in rows:
        counts = [sum(v["impact"] == impact for v in violations) for impact in IMPACTS]
        rules = ", ".join(f"{v['id']} ({v['impact']})" for v in violations) or "none"
        lines.append(
            f"| {target.who} | {target.name} | `{url}` | "
            + " | ".join(map(str, counts))
            + f" | {rules} |"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("language", LANGUAGES)
def test_main_pages_have_no_serious_or_critical_axe_violations(
    live_server, browser, axe_script, language
):
    seed_demo()
    targets = demo_targets()
    rows = []
    for who in LOGINS:
        page = open_as(browser, live_server, who, axe=axe_script)
        for target in (target for target in targets if target.who == who):
            url = visit(page, live_server, target, language)
            rows.append((target, url, audit(page)))
        page.context.close()

    folder = Path(os.environ.get("AXE_SUMMARY_DIR") or ROOT / "test-results" / "axe")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{language}.md").write_text(summary_table(language, rows), encoding="utf-8")

    assert len(rows) >= 35, "fewer pages audited than the portal's main pages"
    blocking = [
        f"{url} ({target.who}): {v['id']} [{v['impact']}] {v['help']} at {v['targets']}"
        for target, url, violations in rows
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert not blocking, "serious or critical axe violations:\n" + "\n".join(blocking)


def test_the_audit_finds_a_field_whose_label_is_gone(live_server, browser, axe_script):
    """The audit above passes because the pages are right, not because axe did not run."""
    page = open_as(browser, live_server, "visitor", axe=axe_script)
    page.goto(f"{live_server.url}/accounts/login/")
    assert not [v for v in audit(page) if v["impact"] in BLOCKING]
    page.evaluate(
        "document.querySelector('label[for=id_login]').remove();"
        " document.querySelector('#id_login').removeAttribute('placeholder');"
    )
    found = {v["id"]: v["impact"] for v in audit(page)}
    assert found.get("label") == "critical", found
    page.context.close()


# Small screens and zoom ---------------------------------------------------------------------

VIEWPORTS = {
    "360px": ({"width": 360, "height": 780}, 1),
    # 200 % zoom of a 1280 x 900 window: half as many CSS pixels, each two device pixels.
    "zoom200": ({"width": 640, "height": 450}, 2),
}
NARROW_PAGES = {
    "visitor": [
        "home",
        "directory search",
        "directory near a place",
        "profile",
        "vacancies",
        "vacancy",
        "requests",
        "programme",
        "reports",
        "report: firms",
        "report: blind spots",
        "events",
        "event",
        "log in",
        "sign up",
        "not found",
    ],
    "employer": [
        "dashboard",
        "email preferences",
        "organisation edit",
        "members",
        "post a vacancy",
        "collaborations",
        "apply for a voucher",
        "my vouchers",
        "record a deal",
    ],
    "social": ["answer a vacancy", "vouchers to redeem", "redeem a voucher", "participants"],
    "regisseur": ["report in full", "meeting grid", "sign-in list", "event report"],
}


def test_pages_do_not_scroll_sideways_at_360px_and_at_200_percent_zoom(
    live_server, browser, axe_script
):
    seed_demo()
    targets = {(target.who, target.name): target for target in demo_targets()}
    shots = os.environ.get("BRUGWERK_SCREENSHOTS")
    wide, blocking, seen, sessions = [], [], 0, {}
    for label, (viewport, scale) in VIEWPORTS.items():
        for who, names in NARROW_PAGES.items():
            page = open_as(
                browser,
                live_server,
                who,
                axe=axe_script,
                viewport=viewport,
                scale=scale,
                sessions=sessions,
            )
            for name in names:
                url = visit(page, live_server, targets[(who, name)])
                seen += 1
                scroll, inner = page.evaluate(
                    "[document.scrollingElement.scrollWidth, window.innerWidth]"
                )
                if scroll > inner:
                    wide.append(f"{label} {url} ({who}): {scroll} px wide in {inner} px")
                # A table that scrolls on its own must be reachable with the keyboard.
                blocking += [
                    f"{label} {url} ({who}): {v['id']} [{v['impact']}] at {v['targets']}"
                    for v in audit(page)
                    if v["impact"] in BLOCKING
                ]
                if shots:
                    slug = re.sub(r"[^a-z0-9]+", "-", f"{who} {name}").strip("-")
                    Path(shots, label).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(Path(shots, label, f"{slug}.png")), full_page=True)
            page.context.close()
    assert seen == 2 * sum(len(names) for names in NARROW_PAGES.values())
    assert not wide, "pages that scroll sideways:\n" + "\n".join(wide)
    assert not blocking, "serious or critical axe violations:\n" + "\n".join(blocking)


# The keyboard alone -------------------------------------------------------------------------

FOCUS_STYLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    type: element.getAttribute("type") || "",
    text: (element.getAttribute("name") || element.textContent || "").trim().slice(0, 40),
    focusVisible: element.matches(":focus-visible"),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
  };
}"""


def focused_matches(page, selector):
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def tab_to(page, selector, *, backwards=False, limit=120):
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if focused_matches(page, selector):
            return
    pytest.fail(f"{key} never reached {selector} in {limit} presses on {page.url}")


def has_focus_indicator(style):
    outline = style["outlineStyle"] != "none" and style["outlineWidth"] >= 2
    return style["focusVisible"] and (outline or style["boxShadow"] != "none")


def test_the_skip_link_is_the_first_stop_and_moves_the_focus_to_the_content(live_server, page):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert focused_matches(page, "a.skip-link")
    # It slides into view (unless the visitor prefers reduced motion).
    page.wait_for_function(
        "() => { const box = document.querySelector('a.skip-link').getBoundingClientRect();"
        " return box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight; }"
    )
    assert has_focus_indicator(page.evaluate(FOCUS_STYLE))

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    assert focused_matches(page, "main#main")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), (
        "after the skip link, Tab leaves the main content"
    )
    # Back up with Shift+Tab: out of the content, into the header.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.closest('header') !== null")


def test_search_the_directory_and_open_a_result_with_the_keyboard(live_server, page):
    listed_organisation(name="Groenwerk Haspengouw", code="3700", services=["groenonderhoud"])
    listed_organisation(name="Bakkerij Mergelland", kind="regular", code="3770")

    page.goto(f"{live_server.url}/organisations/")
    tab_to(page, "main input[name=q]")
    page.keyboard.type("groenwerk")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=groenwerk"))

    tab_to(page, 'main .result-list a[href="/organisations/groenwerk-haspengouw/"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/organisations/groenwerk-haspengouw/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Groenwerk Haspengouw")


def test_log_in_with_the_keyboard(live_server, page):
    UserFactory(email="erik.employer@example.be")

    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "input[name=login]")
    page.keyboard.type("erik.employer@example.be")
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    tab_to(page, "input[name=remember]")
    page.keyboard.press("Space")
    assert page.locator("input[name=remember]").is_checked()
    tab_to(page, "main form button[type=submit]")
    # Shift+Tab goes back to the checkbox; Tab returns to the button.
    page.keyboard.press("Shift+Tab")
    assert focused_matches(page, "input[name=remember]")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def next_day_month_date(start):
    """A future date whose day equals its month (12-12): typed the same in any field order."""
    day = start
    while day.day != day.month:
        day += timedelta(days=1)
    return day


def test_an_employer_applies_for_a_voucher_with_the_keyboard(live_server, page):
    green = ServiceCategory.objects.get(slug="groenonderhoud")
    programme = ProgrammeFactory(name="Kennismakingscheques Zuidoost-Limburg")
    firm = OrganisationFactory(
        name="Drukkerij Mergelland", postcode=postcode("3700"), verified_at=timezone.now()
    )
    employer = UserFactory(email="erik.employer@example.be")
    OwnerFactory(organisation=firm, user=employer)
    provider = SocialEnterpriseFactory(
        name="Groenploeg Haspengouw", postcode=postcode("3700"), verified_at=timezone.now()
    )
    OfferedServiceFactory(organisation=provider, category=green)

    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "input[name=login]")
    page.keyboard.type(employer.email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    # From the main navigation to the programme and its application form.
    tab_to(page, '.main-nav a[href="/vouchers/"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/vouchers/$"))
    tab_to(page, f'main a[href="/vouchers/{programme.slug}/"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/vouchers/{programme.slug}/$"))
    tab_to(page, f'main a[href="/vouchers/{programme.slug}/apply/"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/vouchers/{programme.slug}/apply/$"))

    # Step 1: the provider. A closed select takes the first letters of its option.
    tab_to(page, "select[name=provider]")
    page.keyboard.type("Groenploeg")
    tab_to(page, "form.provider-choice button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(rf"/vouchers/{programme.slug}/apply/\?provider={provider.pk}$")
    )
    # Step 2: the rest, with only that provider's services.
    tab_to(page, "select[name=category]")
    page.keyboard.type("Groenonderhoud")
    tab_to(page, "textarea[name=intended_use]")
    page.keyboard.type("Maaien van het gras rond de drukkerij.")
    expected = next_day_month_date(timezone.localdate() + timedelta(days=7))
    tab_to(page, "input[name=expected_date]")
    page.keyboard.type(f"{expected.day:02}{expected.month:02}{expected.year}")
    # The terms box scrolls: it is a focusable region on the way to the checkbox.
    tab_to(page, "#terms")
    tab_to(page, "input[name=accept_terms]")
    page.keyboard.press("Space")
    tab_to(page, "form.apply-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/vouchers/mine/#voucher-\d+$"))
    voucher = Voucher.objects.get(applicant=firm)
    assert voucher.status == VoucherStatus.SUBMITTED
    assert (voucher.provider, voucher.category, voucher.expected_date) == (
        provider,
        green,
        expected,
    )


def test_every_element_the_tab_key_reaches_shows_a_focus_indicator(live_server, page):
    listed_organisation(name="Groenwerk Haspengouw", code="3700", services=["groenonderhoud"])
    seen = []
    for path in ["/", "/organisations/?q=groen", "/accounts/login/", "/vouchers/"]:
        page.goto(f"{live_server.url}{path}")
        for presses in range(200):
            page.keyboard.press("Tab")
            # Past the last element the focus leaves the page, or comes round to the start.
            if (
                page.evaluate(
                    "document.activeElement === document.body"
                    " || document.activeElement.matches('a.skip-link')"
                )
                and presses > 0
            ):
                break
            seen.append((path, page.evaluate(FOCUS_STYLE)))
        else:
            pytest.fail(f"Tab never came to the end of {path}")

    kinds = {style["tag"] for _, style in seen}
    assert {"a", "button", "input"} <= kinds, kinds
    missing = [f"{path}: {style}" for path, style in seen if not has_focus_indicator(style)]
    assert not missing, "elements without a visible focus indicator:\n" + "\n".join(missing)


# The regisseur's admin and the two-factor pages (issue 19, item 7) ----------------------------


def admin_targets():
    """The pages a regisseur works in, on the demo data of their region; and the two-factor
    pages of a member without an app (the activation) and of the regisseur (with one)."""
    region = Region.objects.get(regisseurs__email=REGISSEUR, slug="zuidoost-limburg")
    organisation = (
        Organisation.objects.filter(municipality__in=region.municipalities.all())
        .order_by("pk")
        .first()
    )
    programme = Programme.objects.filter(region=region).order_by("pk").first()
    vouchers = Voucher.objects.filter(programme__region=region).order_by("pk")
    # The demo's applications in this region are all decided: one more to decide.
    submitted = vouchers.filter(status=VoucherStatus.SUBMITTED).first() or VoucherFactory(
        programme=programme
    )
    redeemed = vouchers.filter(status=VoucherStatus.REDEEMED).first()
    assert all([organisation, programme, submitted, redeemed]), "the demo data lack a page"
    return [
        Target("regisseur", "admin home with the work queue", "admin:index"),
        Target("regisseur", "organisations", "admin:companies_organisation_changelist"),
        Target(
            "regisseur",
            "organisation",
            "admin:companies_organisation_change",
            {"object_id": organisation.pk},
        ),
        Target("regisseur", "programmes", "admin:vouchers_programme_changelist"),
        Target(
            "regisseur",
            "programme (municipality and service pickers)",
            "admin:vouchers_programme_change",
            {"object_id": programme.pk},
        ),
        Target("regisseur", "vouchers", "admin:vouchers_voucher_changelist"),
        Target(
            "regisseur", "voucher", "admin:vouchers_voucher_change", {"object_id": submitted.pk}
        ),
        Target(
            "regisseur",
            "voucher: approve",
            "admin:vouchers_voucher_approve",
            {"object_id": submitted.pk},
        ),
        Target(
            "regisseur",
            "voucher: reject",
            "admin:vouchers_voucher_reject",
            {"object_id": submitted.pk},
        ),
        Target(
            "regisseur", "voucher: pay", "admin:vouchers_voucher_pay", {"object_id": redeemed.pk}
        ),
        Target("regisseur", "claims", "companies:claims"),
        Target("regisseur", "two-factor authentication", "mfa_index"),
        Target("employer", "two-factor authentication", "mfa_index"),
    ]


def reauthenticate_and_activate(page, live_server, language):
    """The activation page of the authenticator app, after the password asked again before it
    (allauth's reauthentication): both pages audited."""
    rows = []
    activate = Target("employer", "two-factor activation", "mfa_activate_totp")
    page.goto(f"{live_server.url}{activate.url(language)}")
    if "/reauthenticate/" in page.url:
        expect(page.locator("html")).to_have_attribute("lang", language)
        reauthenticate = Target("employer", "password asked again", "account_reauthenticate")
        rows.append((reauthenticate, page.url.removeprefix(live_server.url), audit(page)))
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/2fa/totp/activate/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    rows.append((activate, activate.url(language), audit(page)))
    return rows


PICKER = {
    "nl": re.compile(r"^Alle gemeenten .*kiezen$"),
    "fr": re.compile(r"^Choisir toutes les valeurs «\s.*communes.*\s»$"),
}
TODAY = {"nl": "Vandaag", "fr": "Aujourd'hui"}


def log_in_with_the_app_and_audit_the_code_page(browser, live_server, axe, language):
    """The regisseur's login, in `language`: the password, then the authenticator app's code
    page, audited on the way."""
    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(axe))
    page = context.new_page()
    prefix = "" if language == "nl" else f"/{language}"
    page.goto(f"{live_server.url}{prefix}/accounts/login/")
    page.locator("input[name=login]").fill(REGISSEUR)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/2fa/authenticate/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    url = page.url.removeprefix(live_server.url)
    violations = audit(page)
    page.locator("input[name=code]").fill(totp_code(DEMO_TOTP_SECRET))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    return page, (Target("regisseur", "two-factor code", "mfa_authenticate"), url, violations)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_regisseurs_admin_and_the_two_factor_pages_have_no_serious_or_critical_violations(
    live_server, browser, axe_script, language
):
    seed_demo()
    targets = admin_targets()
    page, code_page = log_in_with_the_app_and_audit_the_code_page(
        browser, live_server, axe_script, language
    )
    rows = [code_page]
    for target in (target for target in targets if target.who == "regisseur"):
        url = visit(page, live_server, target, language)
        rows.append((target, url, audit(page)))
        if target.url_name == "admin:vouchers_programme_change":
            # The pickers and the calendar speak the page's language: the admin's JavaScript
            # catalogue (admin:jsi18n, a script file) runs under the portal's CSP.
            expect(page.locator("#id_municipalities_add_all")).to_have_text(PICKER[language])
            expect(page.locator(".datetimeshortcuts a").first).to_have_text(TODAY[language])
    page.context.close()
    page = open_as(browser, live_server, "employer", axe=axe_script)
    for target in (target for target in targets if target.who == "employer"):
        url = visit(page, live_server, target, language)
        rows.append((target, url, audit(page)))
    rows += reauthenticate_and_activate(page, live_server, language)
    page.context.close()

    folder = Path(os.environ.get("AXE_SUMMARY_DIR") or ROOT / "test-results" / "axe")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"admin-{language}.md").write_text(summary_table(language, rows), encoding="utf-8")

    assert len(rows) >= len(targets) + 2
    blocking = [
        f"{url} ({target.who}): {v['id']} [{v['impact']}] {v['help']} at {v['targets']}"
        for target, url, violations in rows
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert not blocking, "serious or critical axe violations:\n" + "\n".join(blocking)
