"""The outbox: every email the portal sends is a Notification row first.

A business event calls `notify()` inside its own transaction. The row holds the rendered
message (in the recipient's language), a dedupe key that names the event (the same event never
makes a second row), and the recipient's choice for that kind of email: sent at once, held for
a daily or weekly digest, or not written at all when they switched the kind off.

Delivery (`deliver()`, run by the worker) claims due rows with a conditional UPDATE, so two
workers never take the same row, and sends a batch over one SMTP connection. A failure retries
with exponential backoff; after MAX_ATTEMPTS the row is failed and shown in the admin, which can
send it again. `sweep()` (beat, every minute) gives rows back that a dead worker had claimed and
starts delivery for whatever is due, so an email written while the broker was down still goes.

The guarantee is at-least-once: a worker that dies after the SMTP server accepted a message and
before the row was marked sent leaves it to be sent again by the sweep. We prefer a rare
duplicate to a lost email; docs/architecture.md explains why.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import Frequency, Notification, NotificationPreference, NotificationStatus

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_ATTEMPTS = 6
# A claimed row not marked sent after this long belonged to a worker that died.
CLAIM_TIMEOUT = timedelta(minutes=10)
UNSUBSCRIBE_SALT = "brugwerk.notifications.unsubscribe"


@dataclass(frozen=True)
class Kind:
    label: str
    # A configurable kind can be held for a digest or switched off, and carries a one-click
    # unsubscribe; the others are part of using the portal (account, invitations).
    configurable: bool = True


KINDS = {
    "account": Kind(_("Your account: sign-up, password, email address"), configurable=False),
    "invitation": Kind(_("Invitations to join an organisation"), configurable=False),
    "join_request": Kind(_("Requests to join your organisation")),
    "join_decision": Kind(_("Answers to your requests to join")),
    "contact_message": Kind(_("Messages sent through your organisation’s profile")),
    "claim": Kind(_("Claims of listings: requests to decide and decisions")),
    "organisation_verified": Kind(_("Verification of your organisation")),
    # Issue 19: a new bank account for the voucher payouts (companies/bank_accounts.py); a
    # safeguard against a changed account, so not one to switch off.
    "bank_account": Kind(_("Changes to your organisation's bank account"), configurable=False),
    # Issue 19: the regie did not verify it, and says why (companies/verification.py).
    "organisation_rejected": Kind(
        _("Your organisation not verified: the regie's reason"), configurable=False
    ),
    # Issue 17, item 4: the KBO reports the organisation's enterprise stopped (companies/kbo.py).
    "organisation_status": Kind(
        _("The KBO register reports your organisation stopped"), configurable=False
    ),
    "new_response": Kind(_("Responses to your vacancies and service requests")),
    "response_update": Kind(_("News about your responses and offers")),
    # Issue 19, item 3: the regie sent a vacancy or service request back (vacancies/lifecycle.py);
    # not to be switched off: without it the poster would wait for a publication that never comes.
    "opportunity_check": Kind(
        _("Checks of your vacancies and service requests by the regie"), configurable=False
    ),
    "expiry_reminder": Kind(_("Reminders before your vacancies and requests close")),
    "opportunity_match": Kind(_("New opportunities that fit your organisation")),
    "voucher": Kind(_("Your introduction vouchers: decisions, redemption, payment, reminders")),
    "collaboration": Kind(_("Collaborations declared with your organisation")),
    # Issue 21, item 3: rate a collaboration once confirmed, yearly and at its end
    # (companies/ratings.py).
    "collaboration_rating": Kind(_("Requests to rate your collaborations")),
    "saved_search": Kind(_("New results for your saved searches")),
    # Issue 22 (events/): registrations and the waiting list, reminders and thanks, meetings,
    # and whether a deal made at an event was carried out.
    "event_registration": Kind(_("Your registrations for events and the waiting list")),
    "event_reminder": Kind(_("Reminders before an event and news after it")),
    "event_meeting": Kind(_("Meeting requests at events and their answers")),
    "event_deal": Kind(_("Deals made at events: was it carried out?")),
    # The regie cancelled an event one registered for: not to be switched off, or people
    # would travel to an event that does not take place.
    "event_cancelled": Kind(_("An event you registered for is cancelled"), configurable=False),
    "digest": Kind(_("Digests of what you chose to receive bundled"), configurable=False),
}


def configurable_kinds():
    return {name: kind for name, kind in KINDS.items() if kind.configurable}


def frequency_for(user, kind):
    if user is None or not KINDS[kind].configurable:
        return Frequency.IMMEDIATE
    preference = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return preference.frequency if preference else Frequency.IMMEDIATE


def render(template, context, language):
    """Subject, text and HTML of the email `template`, in `language`."""
    context = {"PORTAL_NAME": settings.PORTAL_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
        footer = render_to_string("emails/_footer.txt", context)
    return " ".join(subject.split()), f"{body.rstrip()}\n\n{footer}", html


def notify(
    *,
    kind,
    key,
    template,
    context=None,
    recipient=None,
    email=None,
    language=None,
    reply_to="",
    summary=None,
):
    """Write the email for an event to the outbox; returns the row, or None when not wanted.

    `recipient` is a user (their address, language and preferences apply); `email` and
    `language` serve someone without an account (an invitation). `key` names the event, e.g.
    "join_request:42:decided:5": a second call with the same key writes nothing. `summary` is
    the line (and link) a digest shows for it.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}; add it to KINDS.")
    existing = Notification.objects.filter(key=key).first()
    if existing:
        return existing
    frequency = frequency_for(recipient, kind)
    if frequency == Frequency.OFF:
        return None
    language = (recipient.language if recipient else language) or settings.LANGUAGE_CODE
    context = dict(context or {})
    if recipient is not None and KINDS[kind].configurable:
        context["unsubscribe_url"] = unsubscribe_url(recipient, kind, language)
        context["preferences_url"] = absolute(reverse_in("notification_preferences", language))
    subject, body, html = render(template, context, language)
    return write(
        kind=kind,
        key=key,
        recipient=recipient,
        email=recipient.email if recipient else email,
        language=language,
        subject=subject,
        body=body,
        html=html,
        reply_to=reply_to,
        frequency=frequency,
        summary=summary or subject,
    )


def write(
    *,
    kind,
    key,
    email,
    language,
    subject,
    body,
    html="",
    recipient=None,
    reply_to="",
    frequency=Frequency.IMMEDIATE,
    summary="",
):
    """Write an already rendered email to the outbox (allauth renders its own)."""
    with transaction.atomic():
        row, created = Notification.objects.get_or_create(
            key=key,
            defaults={
                "recipient": recipient,
                "email": email,
                "kind": kind,
                "language": language or settings.LANGUAGE_CODE,
                "subject": " ".join(subject.split())[:300],
                "body": body,
                "html": html,
                "reply_to": reply_to or "",
                "frequency": frequency,
                "status": (
                    NotificationStatus.PENDING
                    if frequency == Frequency.IMMEDIATE
                    else NotificationStatus.HELD
                ),
                "context": {"summary": summary or subject},
            },
        )
    if created and row.status == NotificationStatus.PENDING:
        enqueue_delivery()
    return row


def enqueue_delivery():
    """Ask a worker to deliver once this transaction commits (the sweep covers a lost ask)."""
    from .tasks import deliver_notifications

    def enqueue():
        try:
            deliver_notifications.delay()
        except Exception:  # the broker is down: the row waits for the sweep
            logger.warning("Could not enqueue notification delivery; the sweep will send it.")

    transaction.on_commit(enqueue)


# --- Delivery ------------------------------------------------------------------------------------


def claim(*, now=None, limit=BATCH_SIZE):
    """Take up to `limit` due rows for this worker; returns them.

    The UPDATE only takes rows that are still pending, so a row claimed by another worker in
    the meantime is not taken twice (on PostgreSQL, SKIP LOCKED also keeps workers from waiting
    on each other; SQLite serialises writers anyway).
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        due = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=list(due), status=NotificationStatus.PENDING).update(
            status=NotificationStatus.SENDING, claim=token, claimed_at=now
        )
    # The recipient comes along: the List-Unsubscribe header needs them for every message.
    return list(
        Notification.objects.filter(claim=token, status=NotificationStatus.SENDING).select_related(
            "recipient"
        )
    )


def message_for(row, connection):
    headers = {}
    if row.reply_to:
        headers["Reply-To"] = row.reply_to
    if row.recipient_id and KINDS.get(row.kind, Kind("")).configurable:
        # RFC 8058: mail clients offer a one-click unsubscribe that POSTs to this address.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(row.recipient, row.kind)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        to=[row.email],
        headers=headers,
        connection=connection,
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def deliver(*, limit=BATCH_SIZE):
    """Claim one batch and send it over one connection; returns (sent, failed) counts."""
    rows = claim(limit=limit)
    if not rows:
        return 0, 0
    sent = failed = 0
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # the mail server is unreachable: every row tries again later
        for row in rows:
            retry_later(row, error)
        return 0, len(rows)
    try:
        for row in rows:
            try:
                message_for(row, connection).send()
            except Exception as error:
                retry_later(row, error)
                failed += 1
            else:
                Notification.objects.filter(pk=row.pk, claim=row.claim).update(
                    status=NotificationStatus.SENT, sent_at=timezone.now(), last_error=""
                )
                sent += 1
    finally:
        connection.close()
    return sent, failed


def backoff(attempts):
    """1, 2, 4, 8, 16 minutes between attempts."""
    return timedelta(minutes=2 ** (attempts - 1))


def retry_later(row, error):
    attempts = row.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS
    Notification.objects.filter(pk=row.pk, claim=row.claim).update(
        status=NotificationStatus.FAILED if gave_up else NotificationStatus.PENDING,
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=timezone.now() + backoff(attempts),
        claim=None,
    )
    logger.warning("Notification %s failed (attempt %s): %s", row.pk, attempts, error)


def sweep(*, now=None):
    """Give back rows of dead workers; returns how many rows are due now."""
    now = now or timezone.now()
    Notification.objects.filter(
        status=NotificationStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    ).update(status=NotificationStatus.PENDING, claim=None)
    return Notification.objects.filter(
        status=NotificationStatus.PENDING, next_attempt_at__lte=now
    ).count()


def resend(rows):
    """Put failed (or sent) rows back in the queue, from the admin."""
    count = rows.update(
        status=NotificationStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claim=None,
        last_error="",
    )
    if count:
        enqueue_delivery()
    return count


# --- Digests -------------------------------------------------------------------------------------


def send_digests(frequency, *, now=None):
    """Bundle every user's held notifications of this frequency into one email each.

    The digest's key names the user and the newest row it covers, so a re-run writes nothing
    new and a row is never in two digests.
    """
    now = now or timezone.now()
    held = Notification.objects.filter(
        status=NotificationStatus.HELD, frequency=frequency, recipient__isnull=False
    ).select_related("recipient")
    by_user = {}
    for row in held.order_by("created_at", "pk"):
        by_user.setdefault(row.recipient, []).append(row)
    written = 0
    for user, rows in by_user.items():
        with transaction.atomic():
            notify(
                kind="digest",
                key=f"digest:{frequency}:{user.pk}:{rows[-1].pk}",
                template="digest",
                recipient=user,
                context={
                    "items": [
                        {"kind": str(KINDS[row.kind].label), "summary": row.context.get("summary")}
                        for row in rows
                    ],
                    "frequency": frequency,
                    "preferences_url": absolute(
                        reverse_in("notification_preferences", user.language)
                    ),
                },
            )
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=NotificationStatus.DIGESTED, sent_at=now
            )
        written += 1
    return written


# --- Unsubscribe ----------------------------------------------------------------------------------


def unsubscribe_token(user, kind):
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """(user id, kind) from a token, or None when it is not one of ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in configurable_kinds():
        return None
    return data.get("u"), data["k"]


def unsubscribe(user, kind):
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"frequency": Frequency.OFF}
    )


def reverse_in(name, language, **kwargs):
    with translation.override(language or settings.LANGUAGE_CODE):
        return reverse(name, kwargs=kwargs or None)


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(user, kind, language=None):
    return absolute(
        reverse_in(
            "notification_unsubscribe",
            language or user.language,
            token=unsubscribe_token(user, kind),
        )
    )
