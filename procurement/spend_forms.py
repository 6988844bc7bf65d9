"""The upload form of a buyer's spend (procurement/spend_views.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .spend_import import FIRST_YEAR, MAX_BYTES, check_year


class SpendUploadForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year of the purchases"),
        min_value=1,
        max_value=9999,
        error_messages={"invalid": _("Enter a year, e.g. 2025.")},
    )
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        error_messages={"required": _("Choose the file with the purchases of the year.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["file"].help_text = gettext(
            "Columns: supplier_enterprise_number, amount, and if you have them category and "
            "description. At most %(size)s."
        ) % {"size": filesizeformat(MAX_BYTES)}
        self.fields["year"].widget.attrs.update(
            {"min": FIRST_YEAR, "max": timezone.localdate().year, "inputmode": "numeric"}
        )

    def clean_year(self):
        year = self.cleaned_data["year"]
        check_year(year)
        return year

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size first: a file too large is refused before a byte of it is read.
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _(
                    "The file is %(size)s; at most %(limit)s is taken. Add up the purchases per "
                    "supplier first."
                ),
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)},
            )
        return upload

    def data_of_file(self):
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read(MAX_BYTES + 1)
