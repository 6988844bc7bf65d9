"""Who may do what with events, on top of companies.access.

Two parties: the members of an organisation (register it, see, change and cancel its
registration) and the event's managers (the regisseurs of its region, and administrators: create
and edit it in the admin). Pages and the admin use these to show only what is the user's.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from companies.access import memberships_of

from .models import ACTIVE, Event, Registration


def is_event_manager(user, event):
    """Administrators manage every event; a regisseur those of the regions they coordinate."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return Event.objects.run_by(user).filter(pk=event.pk).exists()


def visible_event(request, slug):
    """The event of `slug` as every events page finds it: a published one for anyone, an
    unpublished one only for whoever manages it; 404 otherwise, so that an event nobody may see
    answers the same on each of its pages."""
    events = Event.objects.select_related("region", "postcode__municipality", "sector", "category")
    event = get_object_or_404(events, slug=str(slug)[:220])
    if not event.published and not is_event_manager(request.user, event):
        raise Http404
    return event


def registrations_of(user, event):
    """The active registrations for `event` of the organisations the user is a member of."""
    if not (user.is_authenticated and user.is_active):
        return Registration.objects.none()
    return Registration.objects.filter(
        event=event,
        status__in=ACTIVE,
        organisation__in=memberships_of(user).values("organisation"),
    )
