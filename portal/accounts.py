"""How django-allauth fits the portal: its emails go through the outbox like every other."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import translation

from . import notifications

# The longest address the user and outbox columns hold (254, as RFC 5321 allows).
MAX_EMAIL_LENGTH = 254


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render allauth's email now, in the page's language, and write it to the outbox.

        Account emails (verification, password reset) are not optional and carry no
        unsubscribe; each is its own event.
        """
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
            language=translation.get_language(),
            subject=message.subject,
            body=message.body,
            html=html,
        )

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
