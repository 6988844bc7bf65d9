"""The contact form on a profile: a message to the organisation's members, by email.

No member's address is ever shown: each member gets their own copy, and the sender's address
travels only in Reply-To, so that an answer goes straight back to them.

A listing nobody holds yet (no members) has nobody to read a message: it goes to the contact
address of the organisation's regie (Region.contact_email) instead, or, where the region has
none, the form is not offered. `route` tells the profile which before the visitor writes.
"""

import contextlib
import uuid

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal import emails
from portal.models import User

from . import outreach
from .models import Membership

MESSAGES_PER_HOUR = 5


def _rate_key(sender):
    return f"companies:contact:{sender.pk}"


def _count_one_message(sender, messages=1):
    """Count `messages` against the sender's hourly allowance; False when it is used up.

    A fixed window that starts with the first message: the counter lives in the shared cache
    (Redis in production), so every web process sees the same count. A message to several
    organisations at once (send_joint_message) counts one per organisation, all or none.
    """
    key = _rate_key(sender)
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key, messages)
    except ValueError:
        # The window ended between add() and incr(): this message opens a new one.
        cache.set(key, messages, timeout=3600)
        count = messages
    if messages > 1 and count > MESSAGES_PER_HOUR:
        # Not sent to any of them: the allowance left stays for single messages.
        with contextlib.suppress(ValueError):  # the window ended meanwhile
            cache.decr(key, messages)
    return count <= MESSAGES_PER_HOUR


def _rate_limited():
    return ValidationError(
        _(
            "You have sent %(count)d messages in the last hour, the most we allow. "
            "Please try again later."
        ),
        code="rate_limited",
        params={"count": MESSAGES_PER_HOUR},
    )


def regie_for(organisation):
    """The region that reads messages to this unclaimed organisation, or None.

    Through organisation.municipality.regions, which the profile prefetches (no query there).
    """
    regions = sorted(organisation.municipality.regions.all(), key=lambda region: region.name)
    return next((region for region in regions if region.contact_email), None)


def route(organisation):
    """Where a message to the organisation goes: ("members", None), ("regie", region) for a
    listing without members whose region reads them, or (None, None): nobody.

    `has_members` is read from the organisation when the page annotated it (the profile).
    """
    has_members = getattr(organisation, "has_members", None)
    if has_members is None:
        has_members = Membership.objects.filter(
            organisation=organisation, user__is_active=True
        ).exists()
    if has_members:
        return "members", None
    region = regie_for(organisation)
    return ("regie", region) if region else (None, None)


def link_in_message(link):
    return ValidationError(
        _(
            "Your message contains the web address %(link)s (in its subject, its text or a "
            "name). Until you are a member of a verified organisation, messages through the "
            "portal may not carry web addresses: please remove it."
        ),
        code="link",
        params={"link": link},
    )


def _readers(organisation, sender):
    """(members, regie) who read a message to `organisation`; raises ValidationError when the
    sender is a member of it or nobody reads it."""
    if Membership.objects.filter(organisation=organisation, user=sender).exists():
        raise ValidationError(
            _("You are a member of %(organisation)s; you cannot write to it from here."),
            code="own_organisation",
            params={"organisation": organisation.name},
        )
    recipients = list(
        User.objects.filter(memberships__organisation=organisation, is_active=True).distinct()
    )
    regie = None if recipients else regie_for(organisation)
    if not recipients and regie is None:
        raise ValidationError(
            _("%(organisation)s has no members on the portal yet, so nobody can read this."),
            code="no_members",
            params={"organisation": organisation.name},
        )
    return recipients, regie


def _refuse_links(sender, subject, message, on_behalf_of):
    if not outreach.vouched_for(sender):
        outreach.refuse_links(
            subject,
            message,
            sender.get_full_name(),
            on_behalf_of.name if on_behalf_of else "",
            refusal=link_in_message,
        )


def send_contact_message(organisation, *, sender, subject, message, on_behalf_of=None):
    """Email the message to every member of the organisation, in each member's language.

    `on_behalf_of` is the organisation the sender acts for, if any, so that the members know
    who writes.
    """
    recipients, regie = _readers(organisation, sender)
    _refuse_links(sender, subject, message, on_behalf_of)
    if not _count_one_message(sender):
        raise _rate_limited()
    return _deliver(
        organisation,
        recipients,
        regie,
        sender=sender,
        subject=subject,
        message=message,
        on_behalf_of=on_behalf_of,
        message_id=uuid.uuid4().hex,
    )


def send_joint_message(organisations, *, sender, subject, message, on_behalf_of=None):
    """Email one message to several organisations at once, each seeing the others' names: a
    buyer asks them to answer a purchase together (procurement's joint answers, issue 23).

    Checked for every organisation before any is written to (all or none), and counted as one
    message per organisation against the sender's allowance. Returns the number of emails."""
    readers = [(organisation, *_readers(organisation, sender)) for organisation in organisations]
    _refuse_links(sender, subject, message, on_behalf_of)
    if not _count_one_message(sender, len(organisations)):
        raise _rate_limited()
    message_id = uuid.uuid4().hex  # one event: one email per member of each organisation
    sent = 0
    with transaction.atomic():
        for organisation, recipients, regie in readers:
            sent += _deliver(
                organisation,
                recipients,
                regie,
                sender=sender,
                subject=subject,
                message=message,
                on_behalf_of=on_behalf_of,
                message_id=f"{message_id}:{organisation.pk}",
                together_with=[other for other in organisations if other != organisation],
            )
    return sent


def _deliver(
    organisation,
    recipients,
    regie,
    *,
    sender,
    subject,
    message,
    on_behalf_of,
    message_id,
    together_with=(),
):
    context = {
        "organisation": organisation,
        "sender": sender,
        "sender_organisation": on_behalf_of,
        "subject": subject,
        "message": message,
        "regie": regie,
        # The other organisations the same message went to (a joint answer), by name.
        "together_with": [other.name for other in together_with],
    }
    if regie is not None:
        # The regie reads it for the listing: in the portal's language, one email.
        emails.send(
            to=regie.contact_email,
            template="contact_message",
            kind="contact_message",
            key=f"contact_message:{message_id}:regie:{regie.pk}",
            context=context,
            reply_to=sender.email,
        )
        return 1
    with transaction.atomic():
        for member in recipients:
            emails.send_to_user(
                member,
                template="contact_message",
                kind="contact_message",
                key=f"contact_message:{message_id}:{member.pk}",
                summary=subject,
                context={**context, "regie": None},
                reply_to=sender.email,
            )
    return len(recipients)
