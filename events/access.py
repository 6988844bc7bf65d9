"""Who may do what with events, on top of companies.access.

Two parties: the members of an organisation (register it, see, change and cancel its
registration) and the event's managers (the regisseurs of its region, and administrators: create
and edit it in the admin). Pages and the admin use these to show only what is the user's.
"""

from companies.access import memberships_of

from .models import ACTIVE, Event, Registration


def is_event_manager(user, event):
    """Administrators manage every event; a regisseur those of the regions they coordinate."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return Event.objects.run_by(user).filter(pk=event.pk).exists()


def registrations_of(user, event):
    """The active registrations for `event` of the organisations the user is a member of."""
    if not (user.is_authenticated and user.is_active):
        return Registration.objects.none()
    return Registration.objects.filter(
        event=event,
        status__in=ACTIVE,
        organisation__in=memberships_of(user).values("organisation"),
    )
