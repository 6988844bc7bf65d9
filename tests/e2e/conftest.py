"""Browser tests: Playwright for Python driving Debian's chromium against a live server."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make next to
# it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def e2e_data(transactional_reference_data):
    """Every browser test starts from the reference data and the shipped vocabularies."""


@pytest.fixture(scope="module")
def axe_script():
    """axe-core (node_modules, from `make install-test`), for context.add_init_script."""
    from tests.conftest import ROOT, _skip_or_fail

    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        _skip_or_fail(f"needs axe-core at {axe.relative_to(ROOT)}: run `make install-test`")
    return axe


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def mail_delivery(request, smtp_sink, settings, live_server):
    """Email as in production: through a real worker when REDIS_URL is set, else inline.

    Either way it arrives at a real SMTP server in the test process, with links to the live
    server.
    """
    settings.SITE_URL = live_server.url
    if settings.REDIS_URL:
        request.getfixturevalue("celery_worker")
    return smtp_sink
