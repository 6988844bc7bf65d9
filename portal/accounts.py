"""How django-allauth fits the portal: its emails go out through the worker."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from .tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render allauth's email now, in the active language, and hand it to the worker.

        The task is enqueued when the transaction commits, so a sign-up that rolls back sends
        nothing; without REDIS_URL it runs inline.
        """
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", []) or []
                if mimetype == "text/html"
            ),
            None,
        )
        send_email.delay_on_commit(
            subject=message.subject,
            to=list(message.to),
            body=message.body,
            html=html,
            from_email=message.from_email,
            headers=dict(message.extra_headers),
        )

    def save_user(self, request, user, form, commit=True):
        # The portal writes to people in the language they signed up in.
        user.language = translation.get_language() or user.language
        return super().save_user(request, user, form, commit=commit)
