"""Writing to people: the events' way into the outbox (portal/notifications.py).

Templates live in templates/emails/: NAME_subject.txt, NAME.txt and NAME.html (which extends
emails/base.html). The message is rendered now, in the recipient's language, and written to the
outbox in the caller's transaction; the worker delivers it after the commit. `kind` is one of
notifications.KINDS; `key` names the event, so that it is never sent twice.
"""

from . import notifications


def send_to_user(user, *, template, kind, key, context=None, reply_to="", summary=None):
    """Email a user about an event (their language and preferences apply)."""
    return notifications.notify(
        kind=kind,
        key=key,
        template=template,
        context={"recipient": user, **(context or {})},
        recipient=user,
        reply_to=reply_to,
        summary=summary,
    )


def send(*, to, template, kind, key, context=None, language=None, reply_to=""):
    """Email an address that may have no account (an invitation), in `language`."""
    return notifications.notify(
        kind=kind,
        key=key,
        template=template,
        context=context,
        email=to,
        language=language,
        reply_to=reply_to,
    )
