"""What events keep about a person, for the export and the deletion of their account
(portal/personal_data.py finds this module and explains the three functions).

A person appears on an event's list of people (an Attendee: their name and address), as a
member of the organisation or as a guest under a verified address of theirs. That is theirs:
it is exported, and it goes with the account (the rows tied to the user by the foreign key, and
those under one of their verified addresses). The registration is the organisation's and stays,
as do the events a regisseur created and the deals and answers recorded: their foreign key to
the user becomes empty.
"""

from django.db.models import Q

from .models import Attendee, Deal, Registration


def _when(value):
    return value.isoformat() if value else None


def _theirs(user, addresses):
    return Attendee.objects.filter(Q(user=user) | Q(email__in=addresses))


def export(user, addresses):
    return {
        "event_attendance": [
            {
                "event": attendee.registration.event.title,
                "starts_at": _when(attendee.registration.event.starts_at),
                "organisation": attendee.registration.organisation.name,
                "name": attendee.name,
                "email": attendee.email,
                "status": attendee.registration.status,
                "attended": attendee.registration.attended,
            }
            for attendee in _theirs(user, addresses)
            .select_related("registration__event", "registration__organisation")
            .order_by("registration__event__starts_at", "pk")
        ],
        "event_registrations_made": [
            {
                "event": registration.event.title,
                "organisation": registration.organisation.name,
                "status": registration.status,
                "registered_at": _when(registration.created_at),
            }
            for registration in Registration.objects.filter(registered_by=user)
            .select_related("event", "organisation")
            .order_by("created_at", "pk")
        ],
        "event_deals_recorded": [
            {
                "event": deal.event.title,
                "regular": deal.regular.name,
                "social": deal.social.name,
                "what": deal.what,
                "recorded_at": _when(deal.created_at),
            }
            for deal in Deal.objects.filter(recorded_by=user)
            .select_related("event", "regular", "social")
            .order_by("created_at", "pk")
        ],
    }


def erasure_problems(user):
    return []


def erase(user, addresses):
    """Their places on events' lists of people, also as a guest under one of their addresses;
    the foreign key takes the rows tied to the account."""
    _theirs(user, addresses).delete()
