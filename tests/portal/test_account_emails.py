"""allauth's emails name the portal: every one of them, in every language of the portal."""

import re
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.utils import translation

from portal.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
# The emails of the allauth apps the portal installs: each a subject and a message
# (base_message and base_notification are what the others extend).
PREFIXES = sorted(
    str(path.relative_to(ALLAUTH_TEMPLATES)).removesuffix("_subject.txt")
    for folder in ("account/email", "mfa/email")
    for path in (ALLAUTH_TEMPLATES / folder).glob("*_subject.txt")
)
# What a sentence reads like when the name in it is missing: "Hallo van !", "Hello from !",
# "Bonjour de !", "... van  dit ..." (two spaces where the address was).
EMPTY_NAME = re.compile(r"\b(?:van|from|of|on|de|sur|op)\s+[!?.,]|\b(?:van|op|on|sur)  \S")


def render(prefix, language, user):
    context = {
        "user": user,
        "code": "K7M2Q9",
        "activate_url": f"{settings.SITE_URL}/accounts/confirm-email/key/",
        "password_reset_url": f"{settings.SITE_URL}/accounts/password/reset/key/x-y/",
        "signup_url": f"{settings.SITE_URL}/accounts/signup/",
        "from_email": "oud@example.be",
        "to_email": "nieuw@example.be",
        "deleted_email": "oud@example.be",
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
    }
    with translation.override(language):
        get_adapter().send_mail(prefix, user.email, context)
    return Notification.objects.filter(kind="account").latest("pk")


def test_the_portal_sends_allauths_emails():
    # A guard on the glob: if allauth moved its templates, the test below would test nothing.
    assert "account/email/email_confirmation_signup" in PREFIXES
    assert "account/email/password_reset_key" in PREFIXES
    assert "mfa/email/totp_activated" in PREFIXES


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_account_email_names_the_portal(prefix, language, settings):
    settings.SITE_URL = "https://brugwerk.example.be"
    user = UserFactory(email="lid@example.be", language=language)

    email = render(prefix, language, user)

    assert email.language == language
    assert email.subject.startswith(f"[{settings.PORTAL_NAME}] ")
    assert settings.PORTAL_NAME in email.body
    assert not EMPTY_NAME.search(email.body), email.body
    template = (ALLAUTH_TEMPLATES / f"{prefix}_message.txt").read_text()
    if "site_domain" in template:
        assert "brugwerk.example.be" in email.body


def test_the_name_is_the_one_configured(settings):
    settings.PORTAL_NAME = "Brugwerk Limburg"

    email = render("account/email/password_reset_key", "nl", UserFactory())

    assert "Hallo van Brugwerk Limburg!" in email.body


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_account_email_in_dutch_reads_in_our_register_and_wording(prefix):
    """allauth's emails say "je", "inloggen", "e-mailadres" like the pages (locale_overrides/)."""
    from tests.portal.test_wording import offences

    email = render(prefix, "nl", UserFactory(email="lid@example.be", language="nl"))

    assert not offences(f"{email.subject}\n{email.body}")
