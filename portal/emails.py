"""One way to write to people: subject, text and HTML from templates, in their language.

Templates live in templates/emails/: NAME_subject.txt, NAME.txt and NAME.html (which extends
emails/base.html). The message is rendered now and delivered by the worker once the
transaction commits (portal.tasks.send_email).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .tasks import send_email


def send(*, to, template, context=None, language=None, reply_to=None):
    """Send the email `template` to one address, in `language` (default: the portal's)."""
    context = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "SITE_URL": settings.SITE_URL,
        **(context or {}),
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    headers = {"Reply-To": reply_to} if reply_to else {}
    send_email.delay_on_commit(
        subject=" ".join(subject.split()),
        to=[to],
        body=body,
        html=html,
        headers=headers,
    )


def send_to_user(user, *, template, context=None, reply_to=None):
    send(
        to=user.email,
        template=template,
        context={"recipient": user, **(context or {})},
        language=user.language,
        reply_to=reply_to,
    )


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"
