"""How django-allauth fits the portal: its emails go through the outbox like every other."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from . import notifications


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

    def save_user(self, request, user, form, commit=True):
        # The portal writes to people in the language they signed up in.
        user.language = translation.get_language() or user.language
        return super().save_user(request, user, form, commit=commit)
