"""The registration form: which organisation, who comes, what it offers and seeks, consent.

One row of name and email per person the event admits (`people_per_registration`), without
script; empty rows are left out. The checks that concern the event (how many people, twice the
same address) are events.registration's, which the form asks in clean() so that every problem
shows in one round.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import ModelMultipleChoiceField
from portal.models import ServiceCategory

from . import registration as steps


class RegistrationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, to_field_name="slug", empty_label=None
    )
    offers = forms.CharField(
        label=_("What you offer"),
        help_text=_("In a sentence or two: what other participants can come to you for."),
        max_length=steps.MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    offered_categories = ModelMultipleChoiceField(
        label=_("Services you offer"),
        queryset=ServiceCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    seeks = forms.CharField(
        label=_("What you are looking for"),
        help_text=_("A supplier, a partner, a client: what would make the event worth it?"),
        max_length=steps.MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sought_categories = ModelMultipleChoiceField(
        label=_("Services you are looking for"),
        queryset=ServiceCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    listed = forms.BooleanField(
        label=_("Show our organisation on the participant list"),
        help_text=_(
            "Other participants then see your organisation's name, what it offers and what it "
            "seeks, and can ask you for a meeting. The people who come are never shown."
        ),
        required=False,
    )

    def __init__(self, *args, event, organisations=None, user=None, **kwargs):
        """`organisations`: those the user may register (None when changing a registration)."""
        super().__init__(*args, **kwargs)
        self.event = event
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
        for number in range(1, event.people_per_registration + 1):
            first = number == 1
            self.fields[f"person_{number}_name"] = forms.CharField(
                label=_("Name of person %(number)s") % {"number": number},
                max_length=steps.MAX_NAME,
                required=first,
            )
            self.fields[f"person_{number}_email"] = forms.EmailField(
                label=_("Email of person %(number)s") % {"number": number},
                required=first,
            )
        if user is not None and not self.is_bound and "person_1_email" not in self.initial:
            self.initial.setdefault("person_1_name", user.name)
            self.initial.setdefault("person_1_email", user.email)

    @property
    def person_rows(self):
        """(name field, email field) per person, for the template."""
        return [
            (self[f"person_{number}_name"], self[f"person_{number}_email"])
            for number in range(1, self.event.people_per_registration + 1)
        ]

    def people(self):
        data = self.cleaned_data
        return [
            (data.get(f"person_{number}_name", ""), data.get(f"person_{number}_email", ""))
            for number in range(1, self.event.people_per_registration + 1)
        ]

    def clean(self):
        cleaned_data = super().clean()
        if not any(name.startswith("person_") for name in self.errors):
            try:
                steps.clean_people(self.event, self.people())
            except steps.RegistrationError as error:
                self.add_error(None, error)
        return cleaned_data

    def step_arguments(self):
        """What events.registration.register and .change take from this form."""
        data = self.cleaned_data
        return {
            "people": self.people(),
            "offers": data["offers"],
            "seeks": data["seeks"],
            "offered_categories": data["offered_categories"],
            "sought_categories": data["sought_categories"],
            "listed": data["listed"],
        }

    @classmethod
    def initial_for(cls, registration):
        """The form's initial values for an existing registration."""
        initial = {
            "offers": registration.offers,
            "seeks": registration.seeks,
            "listed": registration.listed,
            "offered_categories": list(registration.offered_categories.all()),
            "sought_categories": list(registration.sought_categories.all()),
        }
        for number, attendee in enumerate(registration.attendees.all(), start=1):
            initial[f"person_{number}_name"] = attendee.name
            initial[f"person_{number}_email"] = attendee.email
        return initial


class CancelForm(forms.Form):
    """Nothing to fill in: the POST is the confirmation."""
