"""The guide to the API for people: /open-data/api/ in every language (templates/api/guide.html).

What the API offers and how to use it, with examples in curl and in Python that name this
portal's own address. The search parameters are listed from the directory's FilterSet itself
(companies.filters.DirectoryFilter, with the checkboxes other apps register), so the guide says
what the API takes, as the page does. The kinds of problem have an anchor each
(#problem-<code>): a problem's `type` URI points there (api/problems.py). The complete client,
docs/examples/nearby_social_enterprises.py, is shown and offered for download.
"""

from functools import cache
from pathlib import Path

import django_filters
from django.conf import settings
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from companies.filters import DirectoryFilter
from portal.facets import (
    MAX_KM,
    CheckboxFilter,
    PlaceFilter,
    PlainChoiceFilter,
    WholeNumberFilter,
    default_km,
)

# The API's root, versioned (portal/urls.py mounts api/urls.py there).
API_ROOT = "/api/v1/"
CLIENT = Path(settings.BASE_DIR) / "docs" / "examples" / "nearby_social_enterprises.py"
# The examples' search: values the reference data hold (tests/api/test_guide.py checks them).
EXAMPLE = {"service": "groenonderhoud", "postcode": "9000", "km": 30}

# Where the values of a facet come from: the vocabulary's address and the field to send.
VOCABULARIES = {
    "service": ("service-categories/", "slug"),
    "recognition": ("recognition-types/", "slug"),
    "sector": ("sectors/", "code"),
    "province": ("provinces/", "slug"),
    "region": ("regions/", "slug"),
}

# The kinds of problem (api/problems.py PROBLEMS, by code) and what a client does about each.
PROBLEMS = [
    ("invalid", _("A parameter or a field was refused: errors names each with its messages.")),
    ("parse-error", _("The request body is not valid JSON.")),
    ("not-found", _("There is nothing at this address, or it is not public.")),
    ("method-not-allowed", _("This address does not take that method (GET, POST, PATCH).")),
    ("not-acceptable", _("The API answers in JSON only: ask for application/json.")),
    ("unsupported-media-type", _("Send a request body as JSON (Content-Type: application/json).")),
    ("not-authenticated", _("This needs a token: send it as Authorization: Bearer <token>.")),
    ("authentication-failed", _("The token is unknown or was revoked: make a new one.")),
    ("permission-denied", _("The token does not allow this (another organisation's data).")),
    ("throttled", _("Too many requests: wait as many seconds as Retry-After says.")),
    ("error", _("Something else went wrong; try again later.")),
]


def _choices(search_filter):
    return ", ".join(str(value) for value, _label in search_filter.extra["choices"])


def _values(name, search_filter):
    """What a search parameter takes, in words."""
    if name in VOCABULARIES:
        address, field = VOCABULARIES[name]
        return gettext("the %(field)s of an entry of %(address)s; repeat for several") % {
            "field": field,
            "address": f"{API_ROOT}{address}",
        }
    if isinstance(search_filter, django_filters.MultipleChoiceFilter):
        return gettext("one of %(choices)s; repeat for several") % {
            "choices": _choices(search_filter)
        }
    if isinstance(search_filter, PlainChoiceFilter):
        return gettext("one of %(choices)s") % {"choices": _choices(search_filter)}
    if isinstance(search_filter, WholeNumberFilter):
        return gettext("%(low)s to %(high)s km; without it %(default)s km") % {
            "low": 1,
            "high": MAX_KM,
            "default": default_km(),
        }
    if isinstance(search_filter, PlaceFilter):
        return gettext("a Belgian postcode or a place's name")
    if isinstance(search_filter, CheckboxFilter):
        return gettext("1 for yes")
    return gettext("words, as in the search box")


def parameters():
    """[(name, label, values)] of the directory's search, in the FilterSet's order."""
    return [
        (name, search_filter.label, _values(name, search_filter))
        for name, search_filter in DirectoryFilter.base_filters.items()
    ]


def per_period(count, period):
    """ "60 requests per minute", translated; `period` as a rate names it (second ... day)."""
    texts = {
        "second": ngettext("%(count)s request per second", "%(count)s requests per second", count),
        "minute": ngettext("%(count)s request per minute", "%(count)s requests per minute", count),
        "hour": ngettext("%(count)s request per hour", "%(count)s requests per hour", count),
        "day": ngettext("%(count)s request per day", "%(count)s requests per day", count),
    }
    return texts[period] % {"count": count}


def rates():
    """The rate limits in words ({"anonymous": ..., "token": ...}), or None when the portal
    sets none (settings API_RATE_ANONYMOUS and API_RATE_TOKEN, such as "60/minute")."""
    found = {}
    for who, setting in (("anonymous", "API_RATE_ANONYMOUS"), ("token", "API_RATE_TOKEN")):
        rate = getattr(settings, setting, None)
        if not rate:
            return None
        count, period = rate.split("/")
        found[who] = per_period(int(count), period)
    return found


@cache
def client_source():
    return CLIENT.read_text(encoding="utf-8")


@require_safe
def guide(request):
    return render(
        request,
        "api/guide.html",
        {
            "api_root": request.build_absolute_uri(API_ROOT),
            "site": request.build_absolute_uri("/").rstrip("/"),
            "parameters": parameters(),
            "problems": PROBLEMS,
            "rates": rates(),
            "example": EXAMPLE,
            "client_source": client_source(),
            "client_name": CLIENT.name,
        },
    )


@require_safe
def client_download(request):
    """The complete client, as a file to save."""
    return FileResponse(
        CLIENT.open("rb"),
        as_attachment=True,
        filename=CLIENT.name,
        content_type="text/x-python; charset=utf-8",
    )
