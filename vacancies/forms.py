"""Forms for posting and managing opportunities: they validate and say what is wrong.

Text is taken as typed, markup included: it is stored as text and every page escapes it.
"""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from companies.forms import PostcodeField
from portal.forms import IntegerField, ModelMultipleChoiceField
from portal.models import Sector, ServiceCategory
from portal.names import NameField

from . import privacy, responses
from .models import (
    BudgetBand,
    ClosedReason,
    Response,
    ResponseStatus,
    SavedSearch,
    SavedSearchFrequency,
    SavedSearchTarget,
    ServiceRequest,
    Status,
    Support,
    Vacancy,
)


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates (2026-12-31)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def not_in_the_past(value):
    today = timezone.localdate()
    if value < today:
        raise forms.ValidationError(
            _("The closing date cannot be in the past: choose %(today)s or later."),
            code="closing_date_past",
            params={"today": formats.date_format(today)},
        )


class OpportunityForm(forms.ModelForm):
    """What vacancies and service requests share: title, description, place, closing date.

    The closing date is asked while the opportunity is a draft; once published it moves only
    by extending (vacancies/lifecycle.py), so the edit form of a published one leaves it out.
    """

    title = NameField(
        label=_("Title"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    postcode = PostcodeField(
        label=_("Postcode"),
        help_text=_("Where the work is done: social enterprises search by distance from it."),
    )
    closing_date = forms.DateField(
        label=_("Closing date"),
        widget=DateInput,
        validators=[not_in_the_past],
        help_text=_("The last day to answer. After it, the page stays visible, marked expired."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Once public, the closing date moves only by extending (vacancies/lifecycle.py); a
        # draft, or one still waiting for the regie's check, keeps it in the form.
        if self.instance.pk and self.instance.status not in {Status.DRAFT, Status.AWAITING}:
            del self.fields["closing_date"]


class VacancyForm(OpportunityForm):
    hours_per_week = IntegerField(
        label=_("Hours per week"),
        min_value=1,
        max_value=50,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Between 1 and 50."),
        error_messages={
            "min_value": _("Give at least 1 hour per week."),
            "max_value": _("Give at most 50 hours per week."),
        },
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput)
    supports = ModelMultipleChoiceField(
        label=_("What makes it open to people from the social economy?"),
        queryset=Support.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick what you offer. A vacancy with at least one is shown as open to doorstroom."
        ),
    )

    class Meta:
        model = Vacancy
        fields = [
            "title",
            "description",
            "postcode",
            "contract_type",
            "hours_per_week",
            "sector",
            "start_date",
            "closing_date",
            "supports",
        ]
        labels = {"contract_type": _("Contract type"), "sector": _("Sector")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.all()
        self.fields["sector"].empty_label = _("Choose a sector")
        self.fields["contract_type"].choices = [("", _("Choose a contract type"))] + list(
            self.fields["contract_type"].choices
        )[1:]

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        # An unchanged start date of an older vacancy may lie in the past; a new one may not.
        if start and "start_date" in self.changed_data and start < timezone.localdate():
            raise forms.ValidationError(
                _("The start date cannot be in the past."), code="start_date_past"
            )
        return start


class ServiceRequestForm(OpportunityForm):
    period_start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    period_end = forms.DateField(label=_("Until"), required=False, widget=DateInput)
    volume = forms.CharField(
        label=_("Volume"),
        max_length=200,
        required=False,
        help_text=_("How much work: e.g. 2,000 m² of lawn every two weeks, 5,000 boxes."),
    )
    budget_band = forms.ChoiceField(
        label=_("Budget"),
        choices=[("", _("Not given"))] + BudgetBand.choices,
        required=False,
    )

    class Meta:
        model = ServiceRequest
        fields = [
            "title",
            "description",
            "category",
            "postcode",
            "period_start",
            "period_end",
            "volume",
            "budget_band",
            "closing_date",
        ]
        labels = {"category": _("Service category")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ServiceCategory.objects.all()
        self.fields["category"].empty_label = _("Choose a service category")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end",
                forms.ValidationError(
                    _("The period cannot end before it starts."), code="period_order"
                ),
            )
        return cleaned


# --- The poster's actions on the detail page ---------------------------------------------------


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you close it?"), choices=ClosedReason.choices, widget=forms.RadioSelect
    )


class NewClosingDateForm(forms.Form):
    """Extend or reopen: a new closing date, from today on."""

    closing_date = forms.DateField(
        label=_("New closing date"), widget=DateInput, validators=[not_in_the_past]
    )


# --- Responses: a candidate or an offer from a social enterprise, and the poster's answer --------


class ResponseForm(forms.ModelForm):
    """What the candidate and offer forms share: ids of their own (the form sits on the
    opportunity's page next to other forms), and who responds (`enterprise`, `user`)."""

    def __init__(self, *args, enterprise=None, user=None, **kwargs):
        kwargs.setdefault("auto_id", "respond_%s")
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.user = user


class CandidateForm(ResponseForm):
    """An anonymous candidate proposed for a vacancy, with a message to the employer.

    The privacy check (vacancies/privacy.py) reads every field: the employer learns who the
    candidate is only when the two organisations talk. The responding organisation's own
    contact details (the job coach's work address and phone number) may stay.
    """

    class Meta:
        model = Response
        fields = ["experience", "skills", "availability", "support_needed", "message"]
        labels = {
            "experience": _("Experience"),
            "skills": _("Skills"),
            "availability": _("Availability"),
            "support_needed": _("Support needed"),
            "message": _("Message to the employer"),
        }
        help_texts = {
            "experience": _("The work the candidate has done, and for how long."),
            "skills": _("What the candidate can do: tasks, tools, certificates, languages."),
            "availability": _("From when, and how many hours or days a week."),
            "support_needed": _(
                "What helps the candidate work well: a job coach, a mentor, a quiet workplace, "
                "clear instructions. Describe the support, not a diagnosis or condition."
            ),
            "message": _(
                "Why this candidate fits the vacancy, and how the employer reaches you: your "
                "organisation's email address and phone number are welcome here, the "
                "candidate's are not."
            ),
        }
        widgets = {
            "experience": forms.Textarea(attrs={"rows": 4}),
            "skills": forms.Textarea(attrs={"rows": 3}),
            "availability": forms.TextInput(attrs={"autocomplete": "off"}),
            "support_needed": forms.Textarea(attrs={"rows": 3}),
            "message": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("experience", "skills", "availability"):
            self.fields[name].required = True

    def clean(self):
        cleaned = super().clean()
        allowed = privacy.OwnContacts(self.enterprise, self.user) if self.enterprise else None
        for name, field in self.fields.items():
            # Also a field with another problem (too long): every problem in one round. Of a
            # text over the limit, only as much as the limit allows is read (the privacy
            # patterns are not meant for a hundred thousand characters).
            text = cleaned.get(name) or (self.data.get(self.add_prefix(name)) or "").strip()
            text = text[: field.max_length] if field.max_length else text
            if text:
                try:
                    privacy.check(text, label=field.label, allowed=allowed)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class OfferForm(ResponseForm):
    """A social enterprise's offer on a service request."""

    class Meta:
        model = Response
        fields = ["message", "availability", "price_indication"]
        labels = {
            "message": _("Your offer"),
            "availability": _("Availability"),
            "price_indication": _("Price indication"),
        }
        help_texts = {
            "message": _("What you propose to do, how, and with whom."),
            "availability": _("When you can start, and how long the work takes you."),
            "price_indication": _("A first estimate, e.g. EUR 1,200 excluding VAT; optional."),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
            "availability": forms.TextInput(attrs={"autocomplete": "off"}),
            "price_indication": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["availability"].required = True


class MoveForm(forms.Form):
    """The poster moves one response on, with a message; only to the states it can go to."""

    status = forms.ChoiceField(label=_("New state"), widget=forms.RadioSelect)
    reply = forms.CharField(
        label=_("Message to the social enterprise"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("They receive it by email with the new state."),
    )

    TARGETS = (ResponseStatus.IN_CONVERSATION, ResponseStatus.ACCEPTED, ResponseStatus.DECLINED)

    def __init__(self, *args, response, moves, **kwargs):
        # One form per response on the poster's page: a prefix keeps names and ids apart.
        kwargs.setdefault("prefix", f"response-{response.pk}")
        super().__init__(*args, **kwargs)
        self.response = response
        # The field accepts every state a response can be moved to, so that a move that no
        # longer fits (another member answered first) reaches vacancies/responses.py and gets
        # its message there; the radio buttons offer only the moves that fit now.
        self.fields["status"].choices = [(status, status.label) for status in self.TARGETS]
        self.fields["status"].widget.choices = [(status, status.label) for status in moves]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status:
            # Asked here too (vacancies/responses.py asks again under a lock), so that a move
            # that no longer fits is reported with a missing message in one round.
            try:
                responses.check_move(self.response, status)
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned

    @property
    def can_move(self):
        return bool(self.fields["status"].widget.choices)


# --- Saved searches ------------------------------------------------------------------------------

SAVE_FREQUENCIES = [
    (SavedSearchFrequency.DAILY, SavedSearchFrequency.DAILY.label),
    (SavedSearchFrequency.WEEKLY, SavedSearchFrequency.WEEKLY.label),
]
TARGET_ERROR = _("Only a search of organisations, vacancies or service requests can be saved.")


class SaveSearchForm(forms.Form):
    """The "Save this search" panel of a search page. The search itself is checked again by
    vacancies/saved_searches.py, through the page's own FilterSet."""

    target = forms.ChoiceField(
        choices=SavedSearchTarget.choices,
        widget=forms.HiddenInput,
        error_messages={"required": TARGET_ERROR, "invalid_choice": TARGET_ERROR},
    )
    query = forms.CharField(
        required=False,
        # Twice what a saved search may hold: presentation parameters are dropped first.
        max_length=4000,
        widget=forms.HiddenInput,
        error_messages={
            "max_length": _("This search is too long to be saved; leave some filters out.")
        },
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=SAVE_FREQUENCIES,
        initial=SavedSearchFrequency.DAILY,
        error_messages=dict.fromkeys(["required", "invalid_choice"], _("Choose daily or weekly.")),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "save_search_%s")
        super().__init__(*args, **kwargs)


class SavedSearchForm(forms.Form):
    """A saved search's name and frequency, on the user's list of saved searches."""

    name = forms.CharField(
        label=_("Name"), max_length=SavedSearch._meta.get_field("name").max_length
    )
    frequency = forms.ChoiceField(
        label=_("Email with new results"),
        choices=SavedSearchFrequency.choices,
        error_messages=dict.fromkeys(
            ["required", "invalid_choice"], _("Choose daily, weekly or paused.")
        ),
    )

    def __init__(self, *args, saved_search, **kwargs):
        # One form per saved search on the page: ids of their own.
        kwargs.setdefault("auto_id", f"saved_{saved_search.code}_%s")
        kwargs.setdefault(
            "initial", {"name": saved_search.name, "frequency": saved_search.frequency}
        )
        super().__init__(*args, **kwargs)
        self.saved_search = saved_search
