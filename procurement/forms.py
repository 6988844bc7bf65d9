"""The buying helper's forms: one purchase at a time, or a plan as a file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from companies import csv_import
from companies.models import Organisation
from portal.models import ServiceCategory

from . import plans
from .models import OUTCOME_CHOICES


class PurchaseForm(forms.Form):
    """One purchase; checked by plans.check, as a line of a file is."""

    subject = forms.CharField(label=_("Subject"), max_length=plans.SUBJECT_MAX)
    category = forms.ModelChoiceField(
        label=_("Service category"),
        queryset=ServiceCategory.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Choose a service category"),
    )
    cpv = forms.CharField(
        label=_("or a CPV code"),
        max_length=20,
        required=False,
        help_text=_("For example 77310000-6; it is read as a service category."),
    )
    postcode = forms.CharField(
        label=_("Place(s) of delivery"),
        max_length=plans.PLACES_MAX_LENGTH,
        help_text=_(
            "A postcode or a municipality; several places separated by semicolons, "
            "for example: Hasselt; Genk; Bilzen."
        ),
    )
    amount = forms.CharField(
        label=_("Estimated amount (EUR, excl. VAT)"), max_length=30, required=False
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=plans.PERIOD_MAX,
        required=False,
        help_text=_("For example: 2027, or March to October."),
    )

    # The cells of a plan's line, named as the fields (plans.check names its errors so).
    CELLS = ("subject", "category", "cpv", "postcode", "amount", "period")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        cells = {
            name: (
                ""
                if cleaned.get(name) is None
                else str(getattr(cleaned[name], "slug", cleaned[name]))
            )
            for name in self.CELLS
        }
        entry, errors = plans.check(cells, 1)
        for error in errors:
            self.add_error(error.code if error.code in self.CELLS else None, error.message)
        cleaned["entry"] = entry
        return cleaned


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Purchasing plan (CSV or XLSX)"),
        help_text=_(
            "Columns: subject; category (a service category) or cpv (a CPV code); postcode "
            "(several places separated by semicolons or commas); amount; period. At most "
            "%(lines)d lines."
        )
        % {"lines": plans.MAX_LINES},
    )
    title = forms.CharField(label=_("Title of the plan"), max_length=200, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > plans.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; split it into smaller files.")
                % {"mb": plans.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        try:
            self.checked = plans.read(upload.read())
        except csv_import.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        if not self.checked.entries and not self.checked.errors:
            raise forms.ValidationError(_("The file holds no purchases below its header."))
        return upload


class SavePlanForm(forms.Form):
    title = forms.CharField(label=_("Title of the plan"), max_length=200)


class OutcomeForm(forms.Form):
    """What the buyer did with a purchase; the supplier by its slug (the plan's page offers the
    enterprises that reach the line)."""

    outcome = forms.ChoiceField(label=_("What did you do?"), choices=OUTCOME_CHOICES)
    supplier = forms.ModelChoiceField(
        label=_("Awarded to"),
        queryset=Organisation.objects.social(),
        to_field_name="slug",
        required=False,
        empty_label=_("No listed social enterprise"),
    )
    started = forms.DateField(label=_("Started on"), required=False)
