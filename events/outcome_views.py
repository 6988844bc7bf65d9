"""What came of an event: recording a deal, answering its follow-up, the sign-in list and the
event's report (issue 22, items 4 and 5).

Thin: each view loads what the user may see, validates a form and calls events/deals.py or
events/attendance.py, which decide what is allowed; their refusals are shown where the user
acted. The sign-in list and the report are the event's regisseurs' and administrators' (403 for
anyone else, the second factor for them); the follow-up link needs no login.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from companies.access import memberships_of
from portal import twofactor

from . import access, attendance, deals, event_report
from .outcome_forms import AttendanceForm, DealForm, FollowUpForm

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
@FORM_METHODS
def deal_new(request, slug):
    """Record a deal from one of the user's accepted meetings at the event. Whoever sat in none
    (a member of another organisation, a regisseur) gets a page that says so (403)."""
    event = access.visible_event(request, slug)
    meetings = deals.meetings_of(event, request.user)
    has_meetings = meetings.exists()
    organisation_ids = set(memberships_of(request.user).values_list("organisation_id", flat=True))
    form = DealForm(
        _posted(request),
        meetings=meetings,
        organisation_ids=organisation_ids,
        recorded=set(deals.recorded_meetings(meetings)),
        initial={"meeting": request.GET.get("meeting")},
    )
    if has_meetings and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deal = deals.record(
                data["meeting"],
                by=request.user,
                what=data["what"],
                role=data["role"],
                category=data["category"],
                expected_start=data["expected_start"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            mine, other = (
                (deal.regular, deal.social)
                if deal.regular_id in organisation_ids
                else (deal.social, deal.regular)
            )
            messages.success(
                request,
                _(
                    "The deal is recorded and declared in the collaboration register. "
                    "%(other)s is asked to confirm it."
                )
                % {"other": other.name},
            )
            return redirect("companies:collaborations", slug=mine.slug)
    context = {"event": event, "form": form, "has_meetings": has_meetings}
    return render(request, "events/deal_new.html", context, status=200 if has_meetings else 403)


def _follow_up_page(request, context, status=200):
    return render(request, "events/deal_follow_up.html", context, status=status)


@FORM_METHODS
def deal_follow_up(request, token):
    """The follow-up email's link: no login, since all it can do is record the answer of the
    side it was sent to, for its period, once. GET shows the question and writes nothing."""
    already = _("Your organisation has already answered this question. Thank you!")
    try:
        deal, organisation, months = deals.read(token)
    except deals.LinkUsed:
        return _follow_up_page(request, {"message": already})
    except deals.LinkExpired:
        problem = _(
            "This link has expired. You will get a new one when the next question about this "
            "deal is due."
        )
        return _follow_up_page(request, {"problem": problem}, status=400)
    except deals.LinkInvalid:
        problem = _(
            "This link is not valid: it may have been cut off or changed. Open it again from the "
            "email, in full."
        )
        return _follow_up_page(request, {"problem": problem}, status=400)
    form = FollowUpForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            deals.answer(
                deal=deal,
                organisation=organisation,
                months=months,
                carried_out=form.cleaned_data["carried_out"],
                by=request.user,
            )
        except deals.LinkUsed:  # another member of the side was first
            return _follow_up_page(request, {"message": already})
        return _follow_up_page(request, {"message": _("Thank you: your answer is recorded.")})
    other = deal.social if organisation.pk == deal.regular_id else deal.regular
    context = {
        "form": form,
        "deal": deal,
        "organisation": organisation,
        "other": other,
        "months": months,
    }
    return _follow_up_page(request, context)


def _managed(request, slug):
    """The event, for its regisseurs and administrators; PermissionDenied for anyone else."""
    event = access.visible_event(request, slug)
    if not access.is_event_manager(request.user, event):
        raise PermissionDenied
    return event


@login_required
@FORM_METHODS
def attendance_list(request, slug):
    """The sign-in list: on a phone, a large box per organisation and one button; on paper, a
    list to sign."""
    event = _managed(request, slug)
    if step := twofactor.second_factor_step(request):
        return step
    registrations = list(attendance.sign_in_list(event))
    form = AttendanceForm(
        _posted(request),
        registrations=registrations,
        initial={"attended": [r.pk for r in registrations if r.attended]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            attendance.mark(event, attended=form.cleaned_data["attended"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Attendance is saved."))
            return redirect("events:attendance", slug=event.slug)
    # The boxes as sent (a refused list comes back as it was ticked), else as saved.
    ticked = {str(value) for value in form["attended"].value() or ()}
    for registration in registrations:
        registration.checked = str(registration.pk) in ticked
    context = {
        "event": event,
        "form": form,
        "registrations": registrations,
        "present": sum(1 for r in registrations if r.attended),
    }
    return render(request, "events/attendance.html", context)


@login_required
def report(request, slug):
    """The event's figures, from registration to deals carried out."""
    event = _managed(request, slug)
    if step := twofactor.second_factor_step(request):
        return step
    context = {"event": event, "figures": event_report.figures(event)}
    return render(request, "events/report.html", context)
