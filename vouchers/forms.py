"""Forms of the voucher pages: they check the input's shape and say what is wrong.

Whether a step may be taken (window, budget, eligibility, provider, status) is for
vouchers/lifecycle.py to say; these forms leave it to that module rather than repeating it, so
that one message says why. The choices a form shows are narrowed to what fits, but its fields
accept any organisation or category, so that a choice that stopped fitting (or a forged one)
gets the lifecycle's own explanation instead of "select a valid choice".
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Organisation
from portal.forms import DecimalField
from portal.models import ServiceCategory


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates (2026-12-31)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# The most providers the application form lists at once; a search narrows the list.
PROVIDER_CHOICES = 60


def provider_label(provider):
    """A provider as the list shows it: name, municipality and what it offers."""
    services = ", ".join(service.category.name for service in provider.services.all())
    place = provider.municipality.name
    return f"{provider.name} ({place}): {services}" if services else f"{provider.name} ({place})"


class ProviderSearchForm(forms.Form):
    """Narrow the list of providers on the application form by name or service (GET)."""

    q = forms.CharField(
        label=_("Find a social enterprise"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Part of its name, its municipality or a service, e.g. “groen”."),
    )


class ApplicationForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Social enterprise"),
        queryset=Organisation.objects.all(),
        empty_label=_("Choose a social enterprise"),
        help_text=_(
            "Verified social enterprises that offer a service of this programme. Agree with them "
            "on the work before you apply."
        ),
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
        max_length=2000,
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

    def __init__(self, *args, providers, categories, **kwargs):
        """`providers` and `categories` are what the lists show (the first already narrowed
        by a search); a chosen provider outside them stays chosen, so that no input is lost."""
        super().__init__(*args, **kwargs)
        providers = list(providers)
        chosen = self._chosen_provider()
        if chosen is not None and chosen not in providers:
            providers.insert(0, chosen)
        self.fields["provider"].widget.choices = [("", self.fields["provider"].empty_label)] + [
            (provider.pk, provider_label(provider)) for provider in providers
        ]
        self.fields["category"].widget.choices = [("", self.fields["category"].empty_label)] + [
            (category.pk, category.name) for category in categories
        ]
        self.provider_count = len(providers)

    def _chosen_provider(self):
        """The organisation the posted form names, when it is a social enterprise."""
        value = self.data.get(self.add_prefix("provider")) if self.is_bound else None
        if not value or not str(value).isdigit() or len(str(value)) > 18:
            return None
        return (
            Organisation.objects.social()
            .select_related("municipality")
            .prefetch_related("services__category")
            .filter(pk=int(value))
            .first()
        )


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


class RedeemForm(forms.Form):
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
        max_length=50,
        error_messages={"required": _("Give the number of your invoice.")},
    )
    invoice_amount = DecimalField(
        label=_("Invoice amount (EUR)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "required": _("Give the amount of your invoice."),
            "invalid": _("Give an amount in euros, such as 480.00."),
        },
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why do you withdraw it?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The regisseur reads it."),
    )
