"""The meeting pages of an event: the participant list with suggestions, requests and answers,
one's schedule (page, print, iCalendar) and the regisseur's grid.

Thin: each view loads the event and the user's registered registrations (events/meetings.py
says who may), parses the form and calls events/meetings.py, whose refusals are shown as
messages where the user acted. Participants are the members of organisations registered for the
event; the grid is for its managers (regisseurs of its region, administrators), in a session that
passed the second factor (portal/twofactor.py). Anyone else gets 403 with the reason: the event
itself is public, its participants and meetings are not.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from companies import access as companies_access
from portal import twofactor

from . import access, meetings
from .meeting_forms import MeetingRequestForm, PlaceMeetingForm, slot_label, slot_value
from .meetings_ical import schedule_calendar
from .models import Meeting, MeetingStatus, Registration

ANSWERS = {"accept": meetings.accept, "decline": meetings.decline, "cancel": meetings.cancel}


def _mine(request, event):
    """The user's registered registrations for the event, the acting organisation's first."""
    found = list(meetings.registrations_of(request.user, event))
    acting = companies_access.acting_membership(request)
    if acting is not None:
        found.sort(key=lambda r: r.organisation_id != acting.organisation_id)
    return found


def _refused(request, event, status=403):
    return render(request, "events/meetings/refused.html", {"event": event}, status=status)


def _say(request, error):
    for text in error.messages:
        messages.error(request, text)


@login_required
def participants(request, slug):
    event = access.visible_event(request, slug)
    mine = _mine(request, event)
    if not mine:
        if not access.is_event_manager(request.user, event):
            return _refused(request, event)
        if step := twofactor.second_factor_step(request):
            return step
    me = mine[0] if mine else None
    rows = list(meetings.participants(event, mine=me))
    if me is not None:
        booked = meetings.booked_slots(event)
        for row in rows:
            row.free = [
                (slot_value(slot), slot_label(slot))
                for slot in meetings.free_slots(event, me, row, booked=booked)
            ]
    context = {
        "event": event,
        "me": me,
        "suggested": [row for row in rows if row.score > 0],
        "others": [row for row in rows if row.score <= 0],
        "has_slots": bool(event.slots()),
    }
    return render(request, "events/meetings/participants.html", context)


@login_required
@require_POST
def request_meeting(request, slug):
    event = access.visible_event(request, slug)
    mine = _mine(request, event)
    if not mine:
        return _refused(request, event)
    back = reverse("events:participants", kwargs={"slug": event.slug})
    form = MeetingRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect(back)
    data = form.cleaned_data
    invitee = (
        Registration.objects.filter(event=event, pk=data["invitee"])
        .select_related("organisation")
        .first()
    )
    if invitee is None:
        messages.error(request, _("Choose a participant of this event to meet."))
        return redirect(back)
    try:
        meeting = meetings.request(
            event,
            requester=mine[0],
            invitee=invitee,
            starts_at=data["slot"],
            user=request.user,
            message=data["message"],
        )
    except ValidationError as error:
        _say(request, error)
        return redirect(f"{back}#participant-{invitee.pk}")
    messages.success(
        request,
        _("Your meeting request was sent to %(name)s for %(time)s at table %(table)s.")
        % {
            "name": invitee.organisation.name,
            "time": slot_label(meeting.starts_at),
            "table": meeting.table,
        },
    )
    return redirect("events:meetings", slug=event.slug)


@login_required
def my_meetings(request, slug):
    event = access.visible_event(request, slug)
    mine = _mine(request, event)
    if not mine:
        return _refused(request, event)
    booked = (
        Meeting.objects.filter(
            Q(requester__in=mine) | Q(invitee__in=mine), status=MeetingStatus.REQUESTED
        )
        .select_related("requester__organisation", "invitee__organisation")
        .order_by("starts_at", "pk")
    )
    ids = {registration.pk for registration in mine}
    requested = list(booked)
    context = {
        "event": event,
        "me": mine[0],
        "incoming": [m for m in requested if m.invitee_id in ids],
        "outgoing": [m for m in requested if m.invitee_id not in ids],
        "schedule": _with_other(meetings.schedule(mine), ids),
        "incoming_answers": ["accept", "decline"],
        "cancel_only": ["cancel"],
    }
    return render(request, "events/meetings/my_meetings.html", context)


def _with_other(found, ids):
    """Each meeting with `other`: the organisation on the other side of the user's."""
    found = list(found)
    for meeting in found:
        meeting.other = (
            meeting.invitee if meeting.requester_id in ids else meeting.requester
        ).organisation
    return found


@login_required
@require_POST
def answer(request, slug, pk, answer):
    if answer not in ANSWERS:
        raise Http404
    event = access.visible_event(request, slug)
    manager = access.is_event_manager(request.user, event)
    sides = companies_access.memberships_of(request.user).values("organisation")
    visible = Meeting.objects.filter(event=event)
    if not manager:
        visible = visible.filter(
            Q(requester__organisation__in=sides) | Q(invitee__organisation__in=sides)
        )
    meeting = get_object_or_404(
        visible.select_related("event", "requester__organisation", "invitee__organisation"), pk=pk
    )
    is_side = any(
        companies_access.is_member(request.user, side.organisation_id)
        for side in (meeting.requester, meeting.invitee)
    )
    if not is_side and (step := twofactor.second_factor_step(request)):
        return step
    back = "events:meetings" if is_side else "events:grid"
    try:
        ANSWERS[answer](meeting, user=request.user)
    except PermissionDenied:
        messages.error(request, _("Only the invited organisation answers a meeting request."))
        return redirect(back, slug=event.slug)
    except ValidationError as error:
        _say(request, error)
        return redirect(back, slug=event.slug)
    texts = {
        "accept": _("You accepted the meeting with %(name)s."),
        "decline": _("You declined the meeting with %(name)s."),
        "cancel": _("The meeting of %(name)s and %(other)s is cancelled."),
    }
    names = {
        "name": meeting.requester.organisation.name,
        "other": meeting.invitee.organisation.name,
    }
    messages.success(request, texts[answer] % names)
    return redirect(back, slug=event.slug)


def _schedule_of(request, event):
    mine = _mine(request, event)
    if not mine:
        return None, []
    return mine[0], _with_other(meetings.schedule(mine), {r.pk for r in mine})


@login_required
def schedule_ics(request, slug):
    event = access.visible_event(request, slug)
    me, schedule = _schedule_of(request, event)
    if me is None:
        return _refused(request, event)
    response = HttpResponse(
        schedule_calendar(event, schedule, organisation=me.organisation),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-schedule.ics"'
    return response


@login_required
def schedule_print(request, slug):
    event = access.visible_event(request, slug)
    me, schedule = _schedule_of(request, event)
    if me is None:
        return _refused(request, event)
    context = {"event": event, "me": me, "schedule": schedule}
    return render(request, "events/meetings/schedule_print.html", context)


HELD_DONE = {
    "yes": gettext_lazy("The meeting of %(one)s and %(other)s is marked as held."),
    "no": gettext_lazy("The meeting of %(one)s and %(other)s is marked as not held."),
    "derived": gettext_lazy(
        "Whether the meeting of %(one)s and %(other)s was held follows the attendance list again."
    ),
}


@login_required
@require_POST
def meeting_held(request, slug, pk):
    """A manager of the event says whether an accepted meeting was held (`held`: yes, no, or
    derived: from the attendance list), from the grid, once the event has started."""
    event = access.visible_event(request, slug)
    if not access.is_event_manager(request.user, event):
        return _refused(request, event)
    if step := twofactor.second_factor_step(request):
        return step
    meeting = get_object_or_404(
        Meeting.objects.filter(event=event).select_related(
            "event", "requester__organisation", "invitee__organisation"
        ),
        pk=pk,
    )
    value = str(request.POST.get("held", ""))
    if value not in meetings.HELD_VALUES:
        messages.error(request, _("Choose held, not held, or from the attendance list."))
        return redirect("events:grid", slug=event.slug)
    try:
        meetings.set_held(meeting, held=meetings.HELD_VALUES[value], by=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(
            request,
            HELD_DONE[value]
            % {
                "one": meeting.requester.organisation.name,
                "other": meeting.invitee.organisation.name,
            },
        )
    return redirect(f"{reverse('events:grid', kwargs={'slug': event.slug})}#meeting-{meeting.pk}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def grid(request, slug):
    event = access.visible_event(request, slug)
    if not access.is_event_manager(request.user, event):
        return _refused(request, event)
    if step := twofactor.second_factor_step(request):
        return step
    registered = list(
        Registration.objects.filter(event=event, status="registered")
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    slots = event.slots()
    form = PlaceMeetingForm(
        request.POST if request.method == "POST" else None,
        registrations=registered,
        slots=slots,
        tables=event.tables,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_pk = {registration.pk: registration for registration in registered}
        try:
            meeting = meetings.place(
                event,
                requester=by_pk[data["requester"]],
                invitee=by_pk[data["invitee"]],
                starts_at=data["slot"],
                table=data["table"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The meeting of %(one)s and %(other)s is placed at %(time)s, table %(table)s.")
                % {
                    "one": meeting.requester.organisation.name,
                    "other": meeting.invitee.organisation.name,
                    "time": slot_label(meeting.starts_at),
                    "table": meeting.table,
                },
            )
            return redirect("events:grid", slug=event.slug)
    context = {
        "event": event,
        "rows": meetings.grid(event),
        "tables": range(1, event.tables + 1),
        "form": form,
        # Once the event is over meetings are neither placed nor cancelled (events/meetings.py):
        # the grid has no placing form then, which would only be refused.
        "over": timezone.now() >= event.ends_at,
        "cancel_only": ["cancel"],
        # From the start on, the regisseur says which accepted meetings were held.
        "started": event.starts_at <= timezone.now() and not event.cancelled,
        "held_choices": [
            ("yes", _("Held")),
            ("no", _("Not held")),
            ("derived", _("From the attendance list")),
        ],
    }
    return render(request, "events/meetings/grid.html", context)
