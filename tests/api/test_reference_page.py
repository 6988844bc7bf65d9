"""The API's reference page (/api/v1/docs/, api/reference.py): served by the portal from its own
files under its Content-Security-Policy, with no inline script or style. (In chromium:
tests/e2e/test_api_reference.py.)"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


class Markup(HTMLParser):
    """The addresses a page loads (src, href) and its inline script and style."""

    def __init__(self):
        super().__init__()
        self.addresses, self.inline = [], []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.addresses += [attrs[name] for name in ("src", "href") if attrs.get(name)]
        if "style" in attrs or any(name.startswith("on") for name in attrs):
            self.inline.append(f"<{tag}> with {sorted(attrs)}")
        self._open = tag if tag == "style" or (tag == "script" and not attrs.get("src")) else None

    def handle_data(self, data):
        if self._open and data.strip():
            self.inline.append(f"<{self._open}>{data.strip()[:40]}")


def read(html):
    markup = Markup()
    markup.feed(html)
    return markup


def test_the_reference_page_loads_only_the_portals_own_files(client):
    response = client.get(reverse("api:docs"))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    markup = read(response.content.decode())
    assert markup.inline == []
    assert markup.addresses
    for address in markup.addresses:
        parts = urlsplit(address)
        assert not parts.scheme and not parts.netloc, address
        if parts.path.startswith(settings.STATIC_URL):
            # Swagger UI from drf-spectacular-sidecar, our stylesheet: static files found here.
            assert finders.find(parts.path.removeprefix(settings.STATIC_URL)), address


def test_the_script_that_starts_swagger_ui_is_a_file_of_its_own(client):
    page = read(client.get(reverse("api:docs")).content.decode())
    script = next(address for address in page.addresses if address.startswith(reverse("api:docs")))

    response = client.get(script)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert f'url: "{reverse("api:schema")}"' in response.content.decode()


def test_the_schema_the_page_reads_is_served(client):
    response = client.get(reverse("api:schema"))

    assert response.status_code == 200
    assert b"openapi: 3" in response.content
