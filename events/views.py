"""The event pages: the list, an event's page and calendar, a region's feed, registering and
one's registration.

Thin: each view parses the input, loads what the user may see (events/access.py), calls
events/registration.py for every step and renders. Refusals are shown where the user acted,
with the input kept.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from companies import access as companies_access
from companies.models import Organisation
from portal.models import Region
from portal.notifications import absolute

from . import access, ical
from . import registration as steps
from .filters import EventFilter, for_list
from .forms import RegistrationForm
from .models import Event, RegistrationStatus

PAGE_SIZE = 20
FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _with_places(event):
    event.registered = steps.registered_count(event)
    return event


def places_left(event):
    return max(event.capacity - event.registered, 0)


# --- The list ------------------------------------------------------------------------------------


@require_GET
def event_list(request):
    """Upcoming events first (soonest on top), or with `?when=past` the past ones (latest on
    top), by region and theme. Five queries whatever the page size: the count, the page, and
    the three facets' options (and one more for the regions chosen)."""
    search = EventFilter(request.GET or None, queryset=for_list())
    page = Paginator(search.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    events = list(page.object_list)
    for event in events:
        event.places_left = places_left(event)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("when", None)
    context = {
        "search": search,
        "form": search.form,
        "page_obj": page,
        "events": events,
        "past": search.past,
        "query": query.urlencode(),
        "paged_query": _page_query(request),
    }
    return render(request, "events/event_list.html", context)


def _page_query(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- An event ------------------------------------------------------------------------------------


def _register_state(request, event, registrations):
    """What the event's page offers the visitor: ("register" | "waiting_list" | "registered" |
    "login" | "no_organisation" | "closed", reason)."""
    if registrations and not event.cancelled:
        return "registered", ""
    problem = steps.closed_problem(event)
    if problem:
        return "closed", problem.message
    if not request.user.is_authenticated:
        return "login", ""
    if not companies_access.memberships_of(request.user).exists():
        return "no_organisation", ""
    if places_left(event) <= 0:
        return "waiting_list", ""
    return "register", ""


@require_GET
def event_detail(request, slug):
    event = _with_places(access.visible_event(request, slug))
    event.places_left = places_left(event)
    registrations = list(
        access.registrations_of(request.user, event).select_related("organisation")
    )
    state, reason = _register_state(request, event, registrations)
    participant = any(r.status == RegistrationStatus.REGISTERED for r in registrations)
    now = timezone.now()
    context = {
        "event": event,
        "registrations": registrations,
        "participant": participant,
        "show_online_url": event.online and participant,
        "state": state,
        "reason": reason,
        "manager": access.is_event_manager(request.user, event),
        "theme": [theme for theme in (event.sector, event.category) if theme],
        # The links to the event's other pages: meetings only when it has them, deals and
        # attendance from its start, the places only while it is ahead.
        "has_meetings": bool(event.tables and event.meetings_from and event.meetings_until),
        "started": event.starts_at <= now,
        "over": event.ends_at < now,
    }
    return render(request, "events/event_detail.html", context)


def _calendar_response(events, *, name, filename, cancel=False):
    text = ical.calendar(
        events,
        url_of=lambda e: absolute(e.get_absolute_url()),
        now=timezone.now(),
        name=name,
        cancel=cancel,
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def event_calendar(request, slug):
    """The event's file; once the event is cancelled, its cancellation (events/ical.py)."""
    event = access.visible_event(request, slug)
    return _calendar_response(
        [event], name=event.title, filename=f"{event.slug}.ics", cancel=event.cancelled
    )


@require_GET
def region_feed(request, slug):
    """The region's events from a week ago on (published, the cancelled ones marked): a
    calendar that subscribes keeps this week's past events and hears of cancellations."""
    region = get_object_or_404(Region, slug=slug[:50])
    since = timezone.now() - timedelta(days=7)
    events = (
        Event.objects.published()
        .filter(region=region, ends_at__gte=since)
        .select_related("postcode")
        .order_by("starts_at", "pk")[:500]
    )
    name = _("Events of %(region)s") % {"region": region.name}
    return _calendar_response(events, name=name, filename=f"events-{region.slug}.ics")


# --- Registering ---------------------------------------------------------------------------------


def _organisations_of(user):
    return Organisation.objects.filter(
        pk__in=companies_access.memberships_of(user).values("organisation")
    ).order_by("name")


@login_required
@FORM_METHODS
def register(request, slug):
    """GET shows the form (or why one cannot register); POST registers the chosen organisation.
    Anyone without an organisation, or when registration is closed, gets a page that says why
    (403)."""
    event = _with_places(access.visible_event(request, slug))
    event.places_left = places_left(event)
    organisations = _organisations_of(request.user)
    acting = companies_access.acting_membership(request)
    closed = steps.closed_problem(event)
    refused = acting is None or (closed is not None and request.method != "POST")
    form = None
    if not refused:
        initial = {"organisation": acting.organisation.slug}
        form = RegistrationForm(
            request.POST if request.method == "POST" else None,
            event=event,
            organisations=organisations,
            user=request.user,
            initial=initial,
        )
        if request.method == "POST" and form.is_valid():
            try:
                registration = steps.register(
                    event,
                    organisation=form.cleaned_data["organisation"],
                    user=request.user,
                    **form.step_arguments(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _registered_message(registration))
                return _to_registration(event, registration)
    context = {
        "event": event,
        "form": form,
        "acting": acting,
        "closed": closed,
        "full": event.places_left <= 0,
    }
    return render(request, "events/register.html", context, status=403 if refused else 200)


def _registered_message(registration):
    names = {"organisation": registration.organisation.name}
    if registration.status == RegistrationStatus.WAITING:
        return _(
            "The event is full: %(organisation)s is number %(position)s on the waiting list. "
            "You will get an email as soon as a place frees up."
        ) % {**names, "position": steps.waiting_position(registration)}
    return _("%(organisation)s is registered. You will get a confirmation by email.") % names


def _to_registration(event, registration):
    url = f"{event.get_absolute_url()}registration/"
    return redirect(f"{url}?organisation={registration.organisation.slug}")


# --- One's registration --------------------------------------------------------------------------


def _chosen(request, registrations):
    """The registration asked for by `organisation` (a slug), else the acting organisation's,
    else the first."""
    wanted = str(request.POST.get("organisation") or request.GET.get("organisation") or "")[:220]
    acting = companies_access.acting_membership(request)
    acting_id = acting.organisation_id if acting else None
    return (
        next((r for r in registrations if r.organisation.slug == wanted), None)
        or next((r for r in registrations if r.organisation_id == acting_id), None)
        or registrations[0]
    )


@login_required
@FORM_METHODS
def my_registration(request, slug):
    """See, change (POST) and cancel (POST with `cancel`) the registration of one of the user's
    organisations. Nobody else's is found (404)."""
    event = _with_places(access.visible_event(request, slug))
    registrations = list(
        access.registrations_of(request.user, event)
        .select_related("organisation", "registered_by")
        .prefetch_related("attendees", "offered_categories", "sought_categories")
        .order_by("organisation__name")
    )
    if not registrations:
        raise Http404
    registration = _chosen(request, registrations)
    closed = steps.closed_problem(event)
    posted = request.method == "POST"
    if posted and "cancel" in request.POST:
        try:
            steps.cancel(registration, user=request.user)
        except ValidationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The registration of %(organisation)s is cancelled.")
                % {"organisation": registration.organisation.name},
            )
            return redirect(event.get_absolute_url())
        return redirect(f"{event.get_absolute_url()}registration/")
    form = RegistrationForm(
        request.POST if posted else None,
        event=event,
        initial=RegistrationForm.initial_for(registration),
    )
    if posted and form.is_valid():
        try:
            steps.change(registration, user=request.user, **form.step_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your registration is saved."))
            return _to_registration(event, registration)
    context = {
        "event": event,
        "registration": registration,
        "registrations": registrations,
        "position": steps.waiting_position(registration),
        "form": form,
        "closed": closed,
        "show_online_url": event.online and registration.status == RegistrationStatus.REGISTERED,
    }
    return render(request, "events/registration.html", context)
