"""Every error of the API as RFC 9457 problem details, made in one place.

REST framework calls `exception_handler` (settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]) for any
exception a view raises; so views, serializers and throttles raise DRF's own exceptions
(ValidationError, NotFound, Throttled, ...) or Django's Http404 and PermissionDenied, and never
build an error body themselves. The body is always

    {"type": URI, "title": "...", "status": 400, "detail": "...", "errors": {"name": ["..."]}}

with the content type application/problem+json. `title` names the kind of problem and `detail`
this occurrence, both in the request's language (api/conventions.py activates it before the
view runs); `errors` holds the refused parameters or fields with their messages (the FilterSet
form's or the serializer's, as the pages show them), empty for problems that are not about a
field. A type is a stable URI per kind of problem (PROBLEMS): clients branch on it, not on the
words. Addresses under /api/v1/ that do not exist answer a 404 problem too (the last pattern of
api/urls.py, `conventions.Unmatched`), and 405 comes from REST framework's MethodNotAllowed.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings

CONTENT_TYPE = "application/problem+json"
# Where the guide (open_data:guide) describes each kind of problem, by its code.
TYPE_BASE = "/open-data/api/#problem-"

# The kinds of problem: the code REST framework gives an exception (`default_code`), its
# title, and the detail said when the exception carries none of its own words.
PROBLEMS = {
    "invalid": (
        _("Your request is not valid"),
        _("Some of what you sent cannot be used: see errors."),
    ),
    "parse_error": (_("The request body could not be read"), _("Send valid JSON.")),
    "not_found": (_("Not found"), _("There is nothing at this address.")),
    "method_not_allowed": (_("Method not allowed"), _("This address does not take that method.")),
    "not_acceptable": (
        _("Not acceptable"),
        _("This address answers in JSON (application/json) only."),
    ),
    "unsupported_media_type": (
        _("Unsupported media type"),
        _("Send the request body as JSON (application/json)."),
    ),
    "not_authenticated": (
        _("Authentication needed"),
        _("Send your token as Authorization: Bearer <token>."),
    ),
    "authentication_failed": (
        _("Authentication failed"),
        _("The token is not valid, or it was revoked."),
    ),
    "permission_denied": (
        _("Not allowed"),
        _("Your token does not allow this."),
    ),
    "throttled": (
        _("Too many requests"),
        _("Wait as long as Retry-After says before the next request."),
    ),
    "error": (_("Something went wrong"), _("The request could not be handled.")),
}


def type_uri(code):
    """The problem type's URI: the guide's explanation of it, on this portal."""
    return f"{settings.SITE_URL.rstrip('/')}{TYPE_BASE}{code.replace('_', '-')}"


def body(code, status_code, *, detail=None, errors=None):
    """A problem-details body for the problem `code` (a key of PROBLEMS)."""
    title, default_detail = PROBLEMS.get(code, PROBLEMS["error"])
    return {
        "type": type_uri(code if code in PROBLEMS else "error"),
        "title": str(title),
        "status": status_code,
        "detail": str(detail or default_detail),
        "errors": errors or {},
    }


def _flattened(detail, prefix=""):
    """{name: [messages]} from a ValidationError's detail, nested fields as "a.0.b"; errors not
    about one field under NON_FIELD_ERRORS_KEY ("non_field_errors"), as Django's "__all__"."""
    if isinstance(detail, dict):
        found = {}
        for name, value in detail.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else str(name)
            found.update(_flattened(value, f"{prefix}.{name}" if prefix else name))
        return found
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        found = {}
        for index, item in enumerate(detail):
            found.update(_flattened(item, f"{prefix}.{index}" if prefix else str(index)))
        return found
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(message) for message in messages]}


def exception_handler(exc, context):
    """REST framework's exception handler: the exception as a problem-details response.

    Django's Http404 and PermissionDenied count as NotFound and PermissionDenied. Anything else
    is left to Django (None): an error of ours is a 500 to fix, not a problem to describe."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        data = body("invalid", exc.status_code, errors=_flattened(exc.detail))
    else:
        code = getattr(exc, "default_code", "error")
        # REST framework's own English words are replaced by ours (translated): its detail is
        # kept only when the raiser gave one of its own.
        detail = exc.detail if str(exc.detail) != str(exc.default_detail) else None
        if isinstance(exc, exceptions.Throttled):
            detail = None
        data = body(code, exc.status_code, detail=detail if isinstance(detail, str) else None)
    return Response(data, status=exc.status_code, headers=headers, content_type=CONTENT_TYPE)


class ProblemSerializer(serializers.Serializer):
    """The problem-details body, for the schema (drf-spectacular)."""

    type = serializers.URLField(help_text="The kind of problem; see the guide.")
    title = serializers.CharField(help_text="The kind of problem in words, translated.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="This occurrence in words, translated.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Refused parameters or fields with their messages; empty when none.",
    )
