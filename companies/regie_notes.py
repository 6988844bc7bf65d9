"""Regie notes (issue 19, item 4): a regisseur's dated internal notes on an organisation.

They are about the organisation (a call, a visit, a promise), not about a person, and only the
regisseurs of its region and administrators read or write them (the same rule as verifying:
companies.access.can_verify). They appear on the organisation's admin page and nowhere else:
not to its members, not on public pages, not in anyone's personal-data export (the author's
name goes when their account does: the author is set to NULL).
"""

from django.core.exceptions import PermissionDenied

from .access import can_verify
from .models import RegieNote


def can_read(user, organisation):
    return can_verify(user, organisation)


def notes_on(organisation, user):
    """The organisation's notes for `user`, newest first, with their authors; none for anyone
    who may not read them."""
    if not can_read(user, organisation):
        return RegieNote.objects.none()
    return RegieNote.objects.filter(organisation=organisation).select_related("author")


def add(organisation, *, by, text, written_on):
    if not can_read(by, organisation):
        raise PermissionDenied("Only the regisseurs of the organisation's region keep its notes.")
    return RegieNote.objects.create(
        organisation=organisation, author=by, text=text, written_on=written_on
    )
