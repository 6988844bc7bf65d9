"""Two-factor authentication for staff: regisseurs and administrators see more than the public
view (the admin, a report's regional or full figures) only in a session that passed the second
factor.

allauth.mfa asks for the app's code at every login once an authenticator is active (the admin's
login is allauth's, see portal/urls.py) and records each authentication of the session; a login
or reauthentication with the app (or a recovery code) is recorded as method "mfa". A session
without that record (a password login before the app was activated, a session from before the
rule) is not enough: `second_factor_step` sends the staff member to the code, or first to the
page that activates an app, and back. Everybody else may turn it on from the account pages.
"""

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# Recovery codes are the way back in when the phone is lost, not a second factor of their own.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def passed_second_factor(request):
    """True when this session's user logged in or reauthenticated with a second factor."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def lacks_required_second_factor(user):
    """True for an active staff member without an authenticator app (one query)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not is_mfa_enabled(user, types=SECOND_FACTORS)
    )


def second_factor_step(request):
    """None when the request may see what staff see; else the redirect that gets it there.

    An active staff member whose session has not passed the second factor is sent to enter
    the code (and from there back to this page), or, without an authenticator app, to
    activate one. Anyone else sees what their role shows (for a report: the public view).
    """
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    if passed_second_factor(request):
        return None
    if lacks_required_second_factor(user):
        messages.warning(
            request,
            _(
                "Staff members see this page only with two-factor authentication. Activate an "
                "authenticator app first."
            ),
        )
        return redirect("mfa_activate_totp")
    messages.warning(
        request,
        _(
            "Staff members see this page only with two-factor authentication. Enter the code "
            "of your authenticator app to continue."
        ),
    )
    url = reverse("mfa_reauthenticate")
    back = request.get_full_path()
    if request.method in ("GET", "HEAD") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = f"{url}?{urlencode({'next': back})}"
    return redirect(url)


class StaffTwoFactorMiddleware:
    """The admin, for staff, only in a session that passed the second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        # Logging out always works; the admin's login sends signed-in staff to its index.
        if "admin" not in match.namespaces or match.url_name == "logout":
            return None
        return second_factor_step(request)
