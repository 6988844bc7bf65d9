"""How django-allauth fits the portal: its emails go through the outbox like every other, and
the visitor's address by which its rate limits count."""

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.utils import translation

from . import notifications
from .models import User

# allauth's messages on a login and a confirmed address, and ours for an address confirmed in a
# browser that is not logged in (AccountAdapter.add_message).
LOGGED_IN_MESSAGE = "account/messages/logged_in.txt"
CONFIRMED_MESSAGE = "account/messages/email_confirmed.txt"
CONFIRMED_LOG_IN_MESSAGE = "account/messages/email_confirmed_log_in.txt"

# The longest address the user and outbox columns hold (254, as RFC 5321 allows).
MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True)
class PortalSite:
    """What allauth's email templates call the site ("Hello from {{ current_site.name }}!")."""

    name: str
    domain: str


def portal_site():
    """The portal as its emails name it: PORTAL_NAME, at the host of SITE_URL.

    The portal does not use Django's sites framework, so allauth would otherwise take the name
    from a RequestSite (the host of the request) or, outside a request, find none at all.
    """
    return PortalSite(name=settings.PORTAL_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def verified_addresses(user):
    """The addresses `user` has proved to own (allauth's EmailAddress.verified), in lower case.

    The one test for "this address is theirs" wherever the portal finds something by address
    (emails in the outbox, invitations, who an address belongs to). Anyone can add any address
    to their account on /accounts/email/; until its link is followed it says nothing about who
    reads it. The login email counts only when its EmailAddress row is verified too.
    """
    return {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render allauth's email now, in the page's language, and write it to the outbox.

        Account emails (verification, password reset) are not optional and carry no
        unsubscribe; each is its own event. One about an account (allauth passes it as
        `user`) is written to that account, whatever address it goes to: it is exported and
        deleted with the account, never with another that only added the address.
        """
        account = context.get("user")
        context = {
            "request": allauth_context.request,
            "email": email,
            **context,
            # Also over the RequestSite that some of allauth's flows pass themselves.
            "current_site": portal_site(),
        }
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", []) or []
                if mimetype == "text/html"
            ),
            "",
        )
        notifications.write(
            kind="account",
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4()}",
            email=email,
            recipient=account if isinstance(account, User) and account.pk else None,
            language=translation.get_language(),
            subject=message.subject,
            body=message.body,
            html=html,
        )

    def add_message(
        self, request, level, message_template=None, message_context=None, *args, **kwargs
    ):
        """One message per event (issue 18).

        A login says nothing: the page it leads to shows who is logged in (the dashboard names
        the account), where allauth's "You are now logged in" stood next to the dashboard's.
        A confirmed address is said once allauth has decided whether confirming also logs in
        (settings.ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION: only in the browser that signed up):
        if it did, "confirmed" on the dashboard; if not, on the login page, one message that
        also asks to log in (get_email_verification_redirect_url).
        """
        if message_template == LOGGED_IN_MESSAGE:
            confirmed = getattr(request, "_brugwerk_confirmed_email", None)
            if confirmed is None:
                return None
            message_template, message_context = CONFIRMED_MESSAGE, {"email": confirmed}
        elif message_template == CONFIRMED_MESSAGE and not request.user.is_authenticated:
            request._brugwerk_confirmed_email = (message_context or {}).get("email")
            return None
        return super().add_message(
            request, level, message_template, message_context, *args, **kwargs
        )

    def get_email_verification_redirect_url(self, email_address):
        """allauth asks this only when confirming did not log in: a visitor is asked to log in."""
        request = self.request
        confirmed = getattr(request, "_brugwerk_confirmed_email", None)
        if confirmed is not None and not request.user.is_authenticated:
            del request._brugwerk_confirmed_email
            super().add_message(
                request, messages.SUCCESS, CONFIRMED_LOG_IN_MESSAGE, {"email": confirmed}
            )
        return super().get_email_verification_redirect_url(email_address)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """allauth's notices (password changed, address added...) name their account too."""
        context = {"user": user, **(context or {})}
        return super().send_notification_mail(template_prefix, user, context, email)

    def get_client_ip(self, request):
        """The visitor's address: allauth's reading of the proxy settings (settings.py, "The
        visitor's address"), or the address that connected when a request did not come through
        the whole chain of proxies.

        allauth answers such a request with ImproperlyConfigured (an X-Forwarded-For shorter
        than the chain: a 500) or PermissionDenied (the trusted header missing or no address).
        Every rate limit "per address" of the portal counts by this one function.
        """
        try:
            return super().get_client_ip(request)
        except (ImproperlyConfigured, PermissionDenied):
            peer = request.META.get("REMOTE_ADDR")
            if not peer:
                raise PermissionDenied("No client address.") from None
            return peer

    def clean_email(self, email):
        """Refuse an address longer than the columns: PostgreSQL would refuse its insert (a
        500), at sign-up or at a password reset, which writes an email to the address typed."""
        if len(email) > MAX_EMAIL_LENGTH:
            raise ValidationError(EmailValidator.message, code="invalid")
        return super().clean_email(email)

    def save_user(self, request, user, form, commit=True):
        # The portal writes to people in the language they signed up in.
        user.language = translation.get_language() or user.language
        return super().save_user(request, user, form, commit=commit)
