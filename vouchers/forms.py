"""Forms of the voucher pages: they check the input's shape and say what is wrong.

Whether a step may be taken (window, budget, eligibility, provider, status) is for
vouchers/lifecycle.py to say; these forms leave it to that module rather than repeating it, so
that one message says why. Each form's clean() runs the lifecycle's *_problems function with
every field that parsed and puts each problem on its field, so that one round says everything
that is wrong. The choices a form shows are narrowed to what fits, but its fields accept any
organisation or category, so that a choice that stopped fitting (or a forged one) gets the
lifecycle's own explanation instead of "select a valid choice".
"""

from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from companies.models import Organisation
from portal.forms import DecimalField
from portal.models import ServiceCategory

from . import lifecycle


class LifecycleForm(forms.Form):
    """A form whose clean() adds the lifecycle's problems (field -> errors) to its fields."""

    def add_problems(self, problems):
        for field, found in problems.items():
            for problem in found:
                if field is None or field in self.fields:
                    self.add_error(field, problem)
                else:
                    self.add_error(None, problem)

    def given(self, *names):
        """The fields among `names` that parsed, for the lifecycle to check."""
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates (2026-12-31)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# The most providers the application form lists at once; a search narrows the list.
PROVIDER_CHOICES = 60


def provider_place(provider):
    """Where a provider lies, with its distance from the applicant when the list knows it:
    "Tongeren, 12 km"."""
    place = provider.municipality.name
    distance = getattr(provider, "distance_km", None)
    if distance is None:
        return place
    if distance < 0.5:
        return gettext("%(place)s, less than 1 km") % {"place": place}
    km = formats.number_format(round(distance), 0, force_grouping=True)
    return gettext("%(place)s, %(km)s km") % {"place": place, "km": km}


def provider_label(provider):
    """A provider as the list shows it: name, place, distance and what it offers."""
    services = ", ".join(service.category.name for service in provider.services.all())
    label = f"{provider.name} ({provider_place(provider)})"
    return f"{label}: {services}" if services else label


class ProviderChoiceForm(forms.Form):
    """Step 1 of applying (GET): the social enterprise that will do the work, nearest first."""

    provider = forms.ModelChoiceField(
        label=_("Social enterprise"),
        queryset=Organisation.objects.all(),
        empty_label=_("Choose a social enterprise"),
        help_text=_(
            "Verified social enterprises that offer a service of this programme, the nearest "
            "first. Agree with them on the work before you apply."
        ),
        error_messages={
            "required": _("Choose the social enterprise that will do the work."),
            "invalid_choice": _("Choose a social enterprise from the list."),
        },
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = list(providers)
        self.fields["provider"].queryset = Organisation.objects.filter(
            pk__in=[provider.pk for provider in self.providers]
        )
        self.fields["provider"].widget.choices = [("", self.fields["provider"].empty_label)] + [
            (provider.pk, provider_label(provider)) for provider in self.providers
        ]


class ProviderSearchForm(forms.Form):
    """Narrow the list of providers on the application form by name or service (GET)."""

    q = forms.CharField(
        label=_("Find a social enterprise"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Part of its name, its municipality or a service, e.g. “groen”."),
    )


class ApplicationForm(LifecycleForm):
    """Step 2 of applying (POST): the provider chosen in step 1 (hidden), the service among
    those it offers within the programme, the work, the date and the terms."""

    provider = forms.ModelChoiceField(
        label=_("Social enterprise"),
        queryset=Organisation.objects.all(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the social enterprise that will do the work."),
            "invalid_choice": _("Choose a social enterprise from the list."),
        },
    )
    category = forms.ModelChoiceField(
        label=_("Service"),
        queryset=ServiceCategory.objects.all(),
        empty_label=_("Choose a service"),
        error_messages={
            "required": _("Choose the service you want to try."),
            "invalid_choice": _("Choose a service from the list."),
        },
    )
    intended_use = forms.CharField(
        label=_("What will the social enterprise do for you?"),
        max_length=lifecycle.MAX_INTENDED_USE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few sentences: the work, where, and how much."),
        error_messages={"required": _("Describe the work you want to try.")},
    )
    expected_date = forms.DateField(
        label=_("When do you expect the work to be done?"),
        widget=DateInput,
        help_text=_("An estimate is enough."),
        error_messages={
            "required": _("Give the date you expect the work to be done."),
            "invalid": _("Give a date such as 2026-05-31."),
        },
    )
    accept_terms = forms.BooleanField(
        label=_("I have read the terms of this programme and accept them."),
        error_messages={"required": _("Accept the terms to apply.")},
    )

    def __init__(self, *args, programme, applicant, provider=None, **kwargs):
        """`provider` is the one chosen in step 1 (GET); a posted form names its own. The
        service list holds what that provider offers within the programme."""
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.applicant = applicant
        self.chosen = provider if provider is not None else self._posted_provider()
        if self.chosen is not None and not self.is_bound:
            self.initial["provider"] = self.chosen.pk
        categories = []
        if self.chosen is not None:
            covered = {category.pk for category in programme.categories.all()}
            categories = sorted(
                (
                    service.category
                    for service in self.chosen.services.all()
                    if not covered or service.category_id in covered
                ),
                key=lambda category: category.name,
            )
        self.categories = categories
        self.fields["category"].widget.choices = [("", self.fields["category"].empty_label)] + [
            (category.pk, category.name) for category in categories
        ]

    def _posted_provider(self):
        """The organisation the posted form names, with its services, or None."""
        value = self.data.get(self.add_prefix("provider")) if self.is_bound else None
        value = str(value) if value else ""
        # isascii(): "²" is a digit to isdigit() that int() refuses.
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            return None
        return (
            Organisation.objects.select_related("municipality")
            .prefetch_related("services__category")
            .filter(pk=int(value))
            .first()
        )

    def clean(self):
        cleaned = super().clean()
        if self.applicant is not None:
            self.add_problems(
                lifecycle.application_problems(
                    self.programme,
                    applicant=self.applicant,
                    **self.given("provider", "category", "intended_use", "expected_date"),
                )
            )
        return cleaned


class FindVoucherForm(forms.Form):
    """A provider types the code the applicant gave them."""

    code = forms.CharField(
        label=_("Voucher code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        help_text=_("The code on the applicant’s voucher, e.g. KC-7KQ2M9XH4B."),
        error_messages={"required": _("Type the voucher code.")},
    )


class RedeemForm(LifecycleForm):
    delivered_on = forms.DateField(
        label=_("Delivered on"),
        widget=DateInput,
        help_text=_("The day the work was done (the last day, if it took several)."),
        error_messages={
            "required": _("Give the day the work was done."),
            "invalid": _("Give a date such as 2026-05-31."),
        },
    )
    invoice_number = forms.CharField(
        label=_("Invoice number"),
        max_length=lifecycle.MAX_REFERENCE_LENGTH,
        error_messages={"required": _("Give the number of your invoice.")},
    )
    # Its limits (more than zero, two decimals, the largest amount) are the lifecycle's, said
    # in the language's number format (lifecycle.redemption_problems).
    invoice_amount = DecimalField(
        label=_("Invoice amount in euros"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        error_messages={"required": _("Give the amount of your invoice.")},
    )

    def __init__(self, *args, voucher, **kwargs):
        super().__init__(*args, **kwargs)
        self.voucher = voucher
        self.fields["invoice_amount"].error_messages["invalid"] = gettext(
            "Give an amount in euros, such as %(example)s."
        ) % {"example": formats.number_format(Decimal("480.50"), 2)}

    def clean(self):
        cleaned = super().clean()
        self.add_problems(
            lifecycle.redemption_problems(
                self.voucher, **self.given("delivered_on", "invoice_number", "invoice_amount")
            )
        )
        return cleaned


class WithdrawForm(LifecycleForm):
    note = forms.CharField(
        label=_("Why do you withdraw it?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The regisseur reads it."),
    )

    def __init__(self, *args, voucher, **kwargs):
        super().__init__(*args, **kwargs)
        self.voucher = voucher

    def clean(self):
        cleaned = super().clean()
        self.add_problems(lifecycle.withdrawal_problems(self.voucher))
        return cleaned
