"""Links in an email that act without a login: signed, with a salt of their own, and dated.

A feature that emails such a link (companies/ratings.py: rate a collaboration; events/deals.py:
say whether a deal was carried out) signs what the link may do with `sign` and reads it back
with `read`, which checks the signature and the age. The salt keeps one feature's links from
being accepted by another: a rating link is no follow-up link, even though both are signed with
the same secret. What the link names (a row, a side, a period) is checked by the feature; a
link that has done its work says so with `LinkUsed`.
"""

from datetime import timedelta

from django.core import signing


class LinkInvalid(Exception):
    """The link was changed or cut off, or is not one of this feature's links."""


class LinkExpired(Exception):
    """The link is older than the feature allows."""


class LinkUsed(Exception):
    """The link has done its work already (the answer it asks for is recorded)."""


def sign(data, *, salt):
    return signing.dumps(data, salt=salt, compress=True)


def read(value, *, salt, days):
    """The dict signed in `value` with `salt` no more than `days` ago; LinkExpired when older,
    LinkInvalid when it is not such a signed dict."""
    try:
        data = signing.loads(value, salt=salt, max_age=timedelta(days=days))
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    if not isinstance(data, dict):
        raise LinkInvalid
    return data
