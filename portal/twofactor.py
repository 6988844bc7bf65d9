"""Two-factor authentication for staff: regisseurs and administrators use the admin only with an
activated authenticator app.

allauth.mfa asks for the app's code at every login once an authenticator is active (the admin's
login is allauth's, see portal/urls.py); this module makes activating one compulsory for staff.
A staff member without one is sent from any admin page to the page that activates an
authenticator app. Everybody else may turn it on from the account pages.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Recovery codes are the way back in when the phone is lost, not a second factor of their own.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def lacks_required_second_factor(user):
    """True for an active staff member without an authenticator app (one query)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not is_mfa_enabled(user, types=SECOND_FACTORS)
    )


class StaffTwoFactorMiddleware:
    """Send staff without an authenticator app from the admin to the page that activates one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        # Logging out always works; the admin's login sends signed-in staff to its index.
        if "admin" not in match.namespaces or match.url_name == "logout":
            return None
        if not lacks_required_second_factor(request.user):
            return None
        messages.warning(
            request,
            _(
                "Staff members use the admin with two-factor authentication. Activate an "
                "authenticator app first."
            ),
        )
        return redirect("mfa_activate_totp")
