"""What every answer to hostile input must be: no 500 (the test client raises a view's
exception), a status in the allowed set, no input reflected unescaped, redirects that stay on the
site, CSV without formulas. `Fuzz` runs each example in a transaction that is rolled back."""

import csv
import io
import re
from contextlib import contextmanager
from urllib.parse import urljoin, urlsplit

from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from portal.csvexport import FORMULA_STARTS

from .strategies import UNESCAPED, encode, texts_of

HTML = "text/html"


class Fuzz:
    """Runs examples and checks the answers; counts the examples for the session summary."""

    def __init__(self):
        self.examples = 0

    @contextmanager
    def example(self):
        """One example: a clean cache (rate limits), Dutch, and every write rolled back."""
        self.examples += 1
        cache.clear()
        translation.activate(django_settings.LANGUAGE_CODE)
        with transaction.atomic():
            yield
            transaction.set_rollback(True)

    def get(self, client, path, pairs, *, allowed=(200,)):
        query = encode(pairs)
        response = client.get(f"{path}?{query}" if query else path)
        return self.check(response, pairs, allowed)

    def post(self, client, path, pairs, *, allowed=(200, 302)):
        body = encode(pairs)
        if len(body) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            # Django refuses a body this large before any view sees it: 400, nothing saved.
            allowed = (400,)
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        return self.check(response, pairs, allowed)

    def check(self, response, pairs, allowed):
        """Never a 500 (the test client raises the view's exception), a status in `allowed`,
        and no input reflected unescaped."""
        assert response.status_code in allowed, (
            f"{response.status_code} for {pairs!r} (expected one of {allowed})"
        )
        if response.get("Content-Type", "").startswith(HTML):
            assert_escaped(response.content.decode("utf-8", "replace"), texts_of(pairs))
        return response

    def follow(self, client, response, pairs, *, allowed=(200,)):
        """After a redirect, the page it leads to: on this site, and as safe as the first."""
        location = response["Location"]
        assert_local(location)
        return self.check(
            client.get(urljoin(response.request["PATH_INFO"], location)), pairs, allowed
        )


def assert_local(location):
    """A redirect stays on this site (a relative address is fine), whatever `next` said.

    Read as a browser reads it: leading spaces and controls and any tab or newline ignored, a
    backslash taken for a slash.
    """
    seen = re.sub(r"[\t\n\r]", "", location).lstrip("".join(map(chr, range(33))))
    parts = urlsplit(seen.replace("\\", "/"))
    assert not parts.scheme and not parts.netloc, f"a redirect off the site: {location[:200]}"


# A profile's linked data (companies/linked_data.py): a data block the browser never runs, whose
# text writes <, > and & as JSON escapes (tested there), so no input can close it; left out here.
LINKED_DATA = re.compile(r'<script type="application/ld\+json">.*?</script>', re.DOTALL)


def assert_escaped(html, inputs):
    """No probe that the input carried appears raw in the page."""
    page = LINKED_DATA.sub("", html).lower()
    for marker in UNESCAPED:
        if any(marker in text.lower() for text in inputs if isinstance(text, str)):
            assert marker not in page, f"{marker!r} from the input appears unescaped"


def assert_csv(response):
    """A CSV file with its header, and no cell that a spreadsheet would run as a formula."""
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows, "a CSV has at least its header"
    for row in rows:
        for value in row:
            assert not value.startswith(FORMULA_STARTS), f"a formula in the CSV: {value!r}"
