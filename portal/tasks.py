"""Background tasks of the shared kernel."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=8,
    acks_late=True,
)
def send_email(*, subject, to, body, html=None, from_email=None, headers=None):
    """Deliver one prepared message over the configured email backend.

    The web process renders the message and enqueues it, so that a slow or unreachable mail
    server delays the email, not the page; connection errors are retried with backoff.
    """
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers or {}
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
