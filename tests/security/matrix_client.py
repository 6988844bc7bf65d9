"""Requests for the access matrix: one client per user, each request in a savepoint.

Every request's changes are rolled back after it, so every cell starts from the same world, and
a GET's are counted first (a GET must change nothing). The client's cookies are put back after
every request, so a POST that logs out or switches the session does not change who asks next.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import reverse

from tests.factories import log_in_with_second_factor

# Outcomes in the matrix: a status code, or "L" for a redirect to a login page.
LOGIN = "L"


class _Forms(HTMLParser):
    """The forms of a page: method, action and whether a CSRF token field is inside."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action"),
                "csrf": False,
            }
            self.forms.append(self._open)
        elif tag == "input" and self._open and attrs.get("name") == "csrfmiddlewaretoken":
            self._open["csrf"] = bool(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def post_forms(response):
    """The method=post forms of an HTML response, as dicts (action, csrf)."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = _Forms()
    parser.feed(response.content.decode())
    return [form for form in parser.forms if form["method"] == "post"]


CSRF_REFUSED = "X-Matrix-Csrf-Refused"


def csrf_refused(request, reason=""):
    """CSRF_FAILURE_VIEW while the matrix posts without a token: a 403 that says it came from
    the CSRF check, not from a view refusing the user."""
    response = HttpResponseForbidden(reason)
    response[CSRF_REFUSED] = "1"
    return response


def login_paths():
    return {reverse("account_login"), reverse("admin:login")}


def outcome(response):
    """The matrix's notation for a response: "200", "404", ... or "L"."""
    if response.status_code == 302 and urlsplit(response["Location"]).path in login_paths():
        return LOGIN
    return str(response.status_code)


@dataclass
class Asker:
    """Asks the portal as one user (None: anonymous).

    Every request runs in a savepoint that is rolled back afterwards, so each cell of the
    matrix starts from the same world (a GET may still log its user out: allauth does that on a
    link to confirm another account's address). A GET returns the row counts measured inside
    its savepoint, to show what it changed.
    """

    user: object = None
    enforce_csrf_checks: bool = False
    client: Client = field(init=False)

    def __post_init__(self):
        self.client = Client(enforce_csrf_checks=self.enforce_csrf_checks)
        # A view that fails is a cell with "500", not an exception that stops the walk.
        self.client.raise_request_exception = False
        # Staff log in with the password and the app's code: the admin and a report's full
        # figures need a session that passed the second factor (portal/twofactor.py).
        if self.user is not None and self.user.is_staff:
            log_in_with_second_factor(self.client, self.user)
        elif self.user is not None:
            self.client.force_login(self.user)

    def get(self, url):
        """The response and the row counts right after it."""
        return self._ask("get", url, {})

    def post(self, url, data=None):
        # Rate limits (contact form, allauth) count in the cache; every POST starts afresh.
        cache.clear()
        return self._ask("post", url, data or {})[0]

    def _ask(self, method, url, data):
        cookies = self.client.cookies
        self.client.cookies = type(cookies)()
        self.client.cookies.update(cookies)
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(url, data)
                # After a failed query PostgreSQL takes none: count only after a good answer.
                counts = fingerprint() if response.status_code < 500 else None
                transaction.set_rollback(True)
        finally:
            self.client.cookies = cookies
        return response, counts


def fingerprint():
    """The number of rows in every table of the portal, in one query."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )
    quote = connection.ops.quote_name
    # Table names from the models, quoted: nothing from outside reaches this SQL.
    columns = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return dict(zip(tables, cursor.fetchone(), strict=True))
