"""`Authorization: Bearer <key>` for the API (api/tokens.py finds the key).

Without the header a request is anonymous: reading needs no token. A header that is there but
wrong (unknown, revoked, an organisation's token whose issuer is no longer an owner) answers 401
rather than falling back to anonymous, so that an HR system learns at once that its key is dead.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import tokens


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token after Bearer, separated by one space.")
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""
        token = tokens.find(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is unknown or no longer valid."))
        return token.user, token

    def authenticate_header(self, request):
        # A 401 names the scheme (RFC 6750), which also makes DRF answer 401 rather than 403.
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the tokens (drf-spectacular finds this subclass)."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token issued at /open-data/tokens/ (personal: a higher rate "
            "limit) or on an organisation's page by its owners (posting its vacancies and "
            "service requests).",
        }
