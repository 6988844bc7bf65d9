"""The contact form on a profile: a message to the organisation's members, by email.

No member's address is ever shown: each member gets their own copy, and the sender's address
travels only in Reply-To, so that an answer goes straight back to them.

A listing nobody holds yet (no members) has nobody to read a message: it goes to the contact
address of the organisation's regie (Region.contact_email) instead, or, where the region has
none, the form is not offered. `route` tells the profile which before the visitor writes.
"""

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


def _count_one_message(sender):
    """Count a message against the sender's hourly allowance; False when it is used up.

    A fixed window that starts with the first message: the counter lives in the shared cache
    (Redis in production), so every web process sees the same count.
    """
    key = _rate_key(sender)
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): this message opens a new one.
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= MESSAGES_PER_HOUR


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


def send_contact_message(organisation, *, sender, subject, message, on_behalf_of=None):
    """Email the message to every member of the organisation, in each member's language.

    `on_behalf_of` is the organisation the sender acts for, if any, so that the members know
    who writes.
    """
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
    if not outreach.vouched_for(sender):
        outreach.refuse_links(
            subject,
            message,
            sender.get_full_name(),
            on_behalf_of.name if on_behalf_of else "",
            refusal=link_in_message,
        )
    if not _count_one_message(sender):
        raise ValidationError(
            _(
                "You have sent %(count)d messages in the last hour, the most we allow. "
                "Please try again later."
            ),
            code="rate_limited",
            params={"count": MESSAGES_PER_HOUR},
        )
    message_id = uuid.uuid4().hex  # one event, one email per member
    context = {
        "organisation": organisation,
        "sender": sender,
        "sender_organisation": on_behalf_of,
        "subject": subject,
        "message": message,
        "regie": regie,
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
                context={
                    "organisation": organisation,
                    "sender": sender,
                    "sender_organisation": on_behalf_of,
                    "subject": subject,
                    "message": message,
                },
                reply_to=sender.email,
            )
    return len(recipients)
