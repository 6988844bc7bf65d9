"""Writing to people: the events' way into the outbox (portal/notifications.py).

Templates live in templates/emails/: NAME_subject.txt, NAME.txt and NAME.html (which extends
emails/base.html). The message is rendered now, in the recipient's language, and written to the
outbox in the caller's transaction; the worker delivers it after the commit.
"""

import uuid

from . import notifications

# The kind of email each template is, until every caller names its kind itself.
TEMPLATE_KINDS = {
    "response_received": "new_response",
    "response_moved": "response_update",
    "opportunity_expiring": "expiry_reminder",
}


def send_to_user(user, *, template, context=None, reply_to="", kind=None, key=None, summary=None):
    """Email a user about an event; `key` names the event so it is never sent twice."""
    return notifications.notify(
        kind=kind or TEMPLATE_KINDS.get(template, template),
        key=key or f"{template}:{uuid.uuid4()}",
        template=template,
        context={"recipient": user, **(context or {})},
        recipient=user,
        reply_to=reply_to,
        summary=summary,
    )


def send(*, to, template, context=None, language=None, reply_to="", kind=None, key=None):  # noqa: PLR0913
    """Email an address that may have no account (an invitation), in `language`."""
    return notifications.notify(
        kind=kind or TEMPLATE_KINDS.get(template, template),
        key=key or f"{template}:{uuid.uuid4()}",
        template=template,
        context=context,
        email=to,
        language=language,
        reply_to=reply_to,
    )
