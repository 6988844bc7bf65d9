"""Delivering notifications through SMTP: portal.notifications.deliver() with Django's SMTP
backend, to a real SMTP server (aiosmtpd) running in a thread of this process.

The outbox gets `size.notifications` pending rows, each an opportunity_match email rendered the
way notify() renders it, to addresses of their own; then deliver() runs, batch after batch (one
SMTP connection per batch, as the worker does), until nothing is left. Every row must arrive
exactly once and end up sent. The rows are deleted afterwards. The sink shares the process (and
its GIL) with the sender, so the rate is if anything on the low side of what a worker reaches
against a mail server of its own.
"""

import logging
import socket
from collections import Counter
from email import message_from_bytes
from email import policy as email_policy
from time import perf_counter

from django.test.utils import override_settings
from django.utils import timezone

from portal import notifications
from portal.models import Notification, NotificationStatus
from portal.settings import email_settings
from vacancies.lifecycle import DETAIL_URL_NAMES
from vacancies.models import Match, Vacancy

from .generator import EMAIL_DOMAIN, generated_users
from .registry import BenchmarkError, measurement
from .report import Figure

KEY_PREFIX = "benchmark:delivery:"
KIND = "opportunity_match"


class Sink:
    """An SMTP server in a thread that keeps who each message was for, and the first message."""

    def __init__(self):
        try:
            from aiosmtpd.controller import Controller
        except ImportError as error:
            raise BenchmarkError(
                "The delivery benchmark needs aiosmtpd: pip install -e '.[bench]'."
            ) from error
        self.recipients = Counter()
        self.first = None
        with socket.socket() as probe:  # a free port (aiosmtpd's Controller cannot take port 0)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.recipients.update(envelope.rcpt_tos)
        if self.first is None:
            self.first = envelope.content
        return "250 Message accepted for delivery"

    def __enter__(self):
        # aiosmtpd logs every SMTP command at INFO: thousands of lines for a benchmark.
        self.log = logging.getLogger("mail.log")
        self.level = self.log.level
        self.log.setLevel(logging.WARNING)
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        self.controller.stop()
        self.log.setLevel(self.level)

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"


def _message(user, language):
    """Subject, text and HTML of an opportunity_match email, as notify() renders it."""
    vacancy = (
        Vacancy.objects.published()
        .select_related("organisation", "sector", "postcode", "municipality")
        .order_by("pk")
        .first()
    )
    if vacancy is None:
        raise BenchmarkError("There is no published vacancy to write about: seed data first.")
    enterprise = vacancy.organisation
    sector = vacancy.sector
    reasons = [
        {
            "code": "sector",
            "name": {"nl": sector.name_nl, "fr": sector.name_fr, "en": sector.name_en},
        },
        {"code": "distance", "km": 12},
    ]
    context = {
        "recipient": user,
        "opportunity": vacancy,
        "organisation": vacancy.organisation,
        "enterprise": enterprise,
        "match": Match(vacancy=vacancy, enterprise=enterprise, score=1.0, reasons=reasons),
        "is_vacancy": True,
        "detail_url_name": DETAIL_URL_NAMES[Vacancy],
    }
    if user is not None:
        context["unsubscribe_url"] = notifications.unsubscribe_url(user, KIND, language)
        context["preferences_url"] = notifications.absolute(
            notifications.reverse_in("notification_preferences", language)
        )
    return notifications.render(KIND, context, language)


def _outbox(count, stamp):
    """`count` pending rows addressed to generated users (when there are any); returns their
    addresses and whether they have a recipient (and so a List-Unsubscribe header)."""
    users = list(generated_users().filter(is_staff=False).order_by("pk")[:count])
    first = users[0] if users else None
    subject, body, html = _message(first, "nl")
    rows = [
        Notification(
            key=f"{KEY_PREFIX}{stamp}:{index}",
            recipient=users[index % len(users)] if users else None,
            email=f"ontvanger.{index}@{EMAIL_DOMAIN}",
            kind=KIND,
            language="nl",
            subject=subject,
            body=body,
            html=html,
            context={"summary": subject},
        )
        for index in range(count)
    ]
    Notification.objects.bulk_create(rows, batch_size=1000)
    return {row.email for row in rows}, first is not None


@measurement("delivery", title="Delivering notifications to an SMTP server")
def measure(context):
    count = context.size.notifications
    waiting = Notification.objects.filter(
        status=NotificationStatus.PENDING, next_attempt_at__lte=timezone.now()
    ).count()
    if waiting:
        raise BenchmarkError(
            f"{waiting} notifications wait in the outbox; the benchmark would send them to its "
            "sink. Run the benchmarks on a database of their own."
        )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    try:
        addresses, unsubscribable = _outbox(count, stamp)
        with Sink() as sink, override_settings(**email_settings(sink.url)):
            started = perf_counter()
            batches = 0
            while True:
                sent, failed = notifications.deliver()
                if failed:
                    raise BenchmarkError(f"{failed} notifications failed to send.")
                if not sent:
                    break
                batches += 1
            seconds = perf_counter() - started
        ours = Notification.objects.filter(key__startswith=f"{KEY_PREFIX}{stamp}:")
        marked_sent = ours.filter(status=NotificationStatus.SENT).count()
    finally:
        Notification.objects.filter(key__startswith=f"{KEY_PREFIX}{stamp}:").delete()
    once = sum(1 for address in addresses if sink.recipients[address] == 1)
    if once != count or sum(sink.recipients.values()) != count or marked_sent != count:
        raise AssertionError(
            f"{count} notifications: {once} arrived exactly once, "
            f"{sum(sink.recipients.values())} messages in all, {marked_sent} marked sent"
        )
    message = message_from_bytes(sink.first, policy=email_policy.default)
    if bool(message["List-Unsubscribe"]) != unsubscribable:
        raise AssertionError("The delivered email lacks its List-Unsubscribe header.")
    context.log(
        f"  {count:,} notifications in {batches} batches over SMTP: {seconds:.2f} s, "
        f"{count / seconds:,.0f} messages/s"
    )
    return [
        Figure("delivery.seconds", round(seconds, 3), "s", description=f"{count} notifications"),
        Figure("delivery.rate", round(count / seconds, 1), "messages/s"),
        Figure(
            "delivery.arrived_once",
            once,
            "messages",
            target=count,
            comparison="==",
            description="notifications that reached the SMTP server exactly once",
        ),
    ]
