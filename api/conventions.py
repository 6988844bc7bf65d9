"""What every read of the API does the same way: the language, conditional GET, the headers.

`ApiView` is the base of the API's views:
- Language: `?lang=nl|fr|en`, else the first language of Accept-Language the portal speaks,
  else Dutch. LocaleMiddleware cannot choose it: /api/v1/ has no language prefix, and outside
  i18n_patterns without a prefix it takes the default language. A `lang` the portal does not
  speak is a 400 problem (in the Accept-Language language). Responses say Content-Language and
  vary on Accept-Language.
- Conditional GET: every 200 answer to GET or HEAD carries an ETag, the hash of the body as
  rendered (django.utils.cache.set_response_etag), so it changes whenever the body would, for
  any reason: data, the day, translations, code. If-None-Match with it gets 304 and no body.
  Last-Modified is sent only by views whose body depends on data alone (not on today's date:
  the directory's freshness, closing dates and upcoming events do): `last_modified_from_data`
  gives them the time of the latest write to a table the portal tracks (portal/datachanges.py),
  and not before that second is over, so a later write in the same second cannot be missed by a
  client that sends If-Modified-Since only.
- CORS for GET: django-cors-headers (settings.CORS_*), any origin, no credentials, and
  preflights allow GET, HEAD and OPTIONS only.
- Errors: api/problems.py, REST framework's EXCEPTION_HANDLER.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date
from django.utils.translation import gettext
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.views import APIView

from portal.models import DataChange

from .problems import ProblemSerializer

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The start of this process: a Last-Modified is never earlier than the code (and translations)
# that rendered the body.
STARTED = timezone.now()
# How long a second must be over before it is named in Last-Modified (If-Modified-Since counts
# in whole seconds; and the clocks of the database and the web process may differ a little).
SETTLED = timedelta(seconds=2)


def accepted_language(request):
    """The first language of Accept-Language that the portal speaks; else the default."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        base = code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return settings.LANGUAGE_CODE


def lang_parameter():
    """The `lang` parameter, for the schema of every operation."""
    return OpenApiParameter(
        "lang",
        OpenApiTypes.STR,
        enum=LANGUAGES,
        description="The language of labels and messages; else Accept-Language; else nl.",
    )


def problem(status):
    """A problem-details response of `status`, for the schema."""
    return {(status, "application/problem+json"): ProblemSerializer}


def problems(*statuses):
    found = {}
    for status in statuses:
        found.update(problem(status))
    return found


def data_changed_at():
    """When a table the portal tracks was last written (portal/datachanges.py); None if never."""
    return DataChange.objects.aggregate(at=Max("at"))["at"]


class ApiView(APIView):
    """The base of the API's views (see the module's docstring)."""

    # Whether the body depends on tracked data alone (see last_modified_from_data).
    last_modified_from_data = False

    def initial(self, request, *args, **kwargs):
        language = accepted_language(request)
        translation.activate(language)
        asked = request.query_params.get("lang")
        if asked is not None:
            if asked not in LANGUAGES:
                raise exceptions.ValidationError(
                    {
                        "lang": [
                            gettext("Choose one of these languages: %(languages)s.")
                            % {"languages": ", ".join(LANGUAGES)}
                        ]
                    }
                )
            language = asked
            translation.activate(language)
        request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)

    def last_modified(self, request):
        """The time of the body's last change, when it is known truly; else None."""
        if not self.last_modified_from_data:
            return None
        changed = max(filter(None, [data_changed_at(), STARTED]))
        if timezone.now() - changed < SETTLED:
            return None
        return changed

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ["Accept-Language"])
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        # Cached copies are checked with the portal first: the ETag makes that cheap.
        patch_cache_control(response, no_cache=True)
        response.render()
        set_response_etag(response)
        changed = self.last_modified(request)
        if changed is not None:
            response["Last-Modified"] = http_date(changed.timestamp())
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=int(changed.timestamp()) if changed else None,
            response=response,
        )


class Unmatched(ApiView):
    """Any address under /api/v1/ that no pattern takes: a 404 problem, or, as APPEND_SLASH
    does for pages, a permanent redirect to the address with a slash when that one exists."""

    schema = None  # not an operation

    def dispatch(self, request, *args, **kwargs):
        path = request.path_info
        if not path.endswith("/") and _resolves(f"{path}/"):
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                f"{request.path}/" + (f"?{query}" if query else "")
            )
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()


def _resolves(path):
    """Whether `path` is an address of the API other than Unmatched's."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "view_class", None) is not Unmatched
