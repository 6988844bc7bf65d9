"""The API's reference page (/api/v1/docs/, api/reference.py) in chromium, under the portal's
Content-Security-Policy: Swagger UI renders the portal's schema from the portal's own files,
the policy refuses nothing (the browser's `securitypolicyviolation` events and console) and no
request goes to another host.

With $BRUGWERK_SCREENSHOTS set to a folder, the page is saved there as api-reference.png.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

# The page is the same on either database (pytest.mark.once).
pytestmark = [pytest.mark.e2e, pytest.mark.once, pytest.mark.django_db(transaction=True)]

# What the policy refuses, as the page sees it (an init script is not governed by the policy).
WATCH_VIOLATIONS = """
window.refused = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.refused.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_the_reference_page_renders_the_schema_under_the_policy(page, live_server):
    own = urlsplit(live_server.url).netloc
    elsewhere, console, errors = [], [], []

    def requested(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https") and parts.netloc != own:
            elsewhere.append(request.url)

    page.on("request", requested)
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(WATCH_VIOLATIONS)

    response = page.goto(live_server.url + reverse("api:docs"))

    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI read the schema: its title, and its operations when it has any.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Brugwerk API")
    operations = page.locator(".opblock-summary")
    if operations.count():
        # An operation opened: its parameters, responses and example values render too.
        operations.first.click()
        expect(page.locator(".opblock-body").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    folder = os.environ.get("BRUGWERK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / "api-reference.png"), full_page=True)
    assert page.evaluate("window.refused") == []
    assert [text for text in console if "Content Security Policy" in text] == []
    assert errors == []
    assert elsewhere == []
