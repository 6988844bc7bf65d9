"""The forms of what came of an event: a deal, a follow-up answer, the sign-in list."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from companies.models import CollaborationRole
from portal.models import ServiceCategory

from .models import Meeting


def meeting_label(meeting, organisation_ids):
    """ "14:30 · table 3 · De Kringwinkel": the time, the table and the other side."""
    other = (
        meeting.invitee.organisation
        if meeting.requester.organisation_id in organisation_ids
        else meeting.requester.organisation
    )
    parts = [formats.time_format(timezone.localtime(meeting.starts_at), "H:i")]
    if meeting.table:
        parts.append(_("table %(number)s") % {"number": meeting.table})
    parts.append(other.name)
    return " · ".join(str(part) for part in parts)


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates (2026-12-31)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MeetingChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, organisation_ids=(), **kwargs):
        self.organisation_ids = set(organisation_ids)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return meeting_label(obj, self.organisation_ids)


class DealForm(forms.Form):
    """A deal from one of the user's accepted meetings at the event (events/deals.py checks the
    rest: who may, when, and the two sides)."""

    meeting = MeetingChoiceField(
        label=_("The meeting it came out of"),
        queryset=Meeting.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the meeting the deal came out of."),
            "invalid_choice": _("Choose one of your accepted meetings at this event."),
        },
    )
    what = forms.CharField(
        label=_("What did you agree?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences: the work or the delivery, and its size."),
        error_messages={"required": _("Say what you agreed.")},
    )
    role = forms.ChoiceField(
        label=_("What the regular organisation is to the social enterprise"),
        choices=CollaborationRole.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the role of the regular organisation."),
            "invalid_choice": _("Choose a role from the list."),
        },
    )
    category = forms.ModelChoiceField(
        label=_("Service"),
        queryset=ServiceCategory.objects.all(),
        required=False,
        empty_label=_("No particular service"),
        error_messages={"invalid_choice": _("Choose a service from the list.")},
    )
    expected_start = forms.DateField(
        label=_("When is the work expected to start?"),
        widget=DateInput,
        help_text=_("An estimate is enough."),
        error_messages={
            "required": _("Give the date the work is expected to start."),
            "invalid": _("Give a date such as 2026-05-31."),
        },
    )

    def __init__(self, data=None, *, meetings, organisation_ids, recorded=(), **kwargs):
        super().__init__(data, **kwargs)
        field = self.fields["meeting"]
        field.queryset = meetings
        field.organisation_ids = set(organisation_ids)
        # The meetings whose deal is recorded are not offered again, but named: a second tab
        # may still post one, and events/deals.py then says that its deal is there. The
        # choices are read once, here.
        offered, self.recorded = [], []
        for value, label in field.choices:
            if value.value in recorded:
                self.recorded.append(label)
            else:
                offered.append((value, label))
        field.widget.choices = offered
        self.offers_a_meeting = bool(offered)


class FollowUpForm(forms.Form):
    carried_out = forms.TypedChoiceField(
        label=_("Was it carried out?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say whether the deal was carried out."),
            "invalid_choice": _("Answer yes or no."),
        },
    )


class AttendanceForm(forms.Form):
    """The sign-in list: a box per registered organisation, ticked when its people came."""

    attended = forms.TypedMultipleChoiceField(
        label=_("Present"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "Only organisations registered for this event can be marked as present."
            )
        },
    )

    def __init__(self, data=None, *, registrations, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["attended"].choices = [
            (registration.pk, registration.organisation.name) for registration in registrations
        ]
