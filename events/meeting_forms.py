"""The forms of the meeting pages: what a participant or a regisseur posts, parsed.

They only parse; events/meetings.py decides whether the meeting may be booked and says why not.
A slot arrives as the ISO text of its start: one that does not parse, or is not one of the
event's slots, gets the same message as in events/meetings.py.
"""

from datetime import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .meetings import MAX_MESSAGE_LENGTH


def slot_value(starts_at):
    return starts_at.isoformat()


def slot_label(starts_at):
    return formats.time_format(timezone.localtime(starts_at), "TIME_FORMAT")


class SlotField(forms.CharField):
    default_error_messages = {
        "invalid": _("Choose one of the event's meeting times; this time is not one of them.")
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value[:40])
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if timezone.is_naive(moment):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment


class MeetingRequestForm(forms.Form):
    invitee = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose a participant to meet.")},
    )
    slot = SlotField(
        label=_("Time"), error_messages={"required": _("Choose a time for the meeting.")}
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PlaceMeetingForm(forms.Form):
    """The regisseur's form under the grid: two registered participants, a slot and a table."""

    requester = forms.TypedChoiceField(label=_("Participant"), coerce=int)
    invitee = forms.TypedChoiceField(label=_("Meets"), coerce=int)
    slot = forms.ChoiceField(label=_("Time"))
    table = forms.TypedChoiceField(label=_("Table"), coerce=int)

    def __init__(self, *args, registrations, slots, tables, **kwargs):
        super().__init__(*args, **kwargs)
        people = [("", "—")] + [(r.pk, r.organisation.name) for r in registrations]
        self.fields["requester"].choices = people
        self.fields["invitee"].choices = people
        self.fields["slot"].choices = [("", "—")] + [(slot_value(s), slot_label(s)) for s in slots]
        self.fields["table"].choices = [("", "—")] + [(t, str(t)) for t in range(1, tables + 1)]
        self.slots = {slot_value(s): s for s in slots}

    def clean_slot(self):
        return self.slots[self.cleaned_data["slot"]]
