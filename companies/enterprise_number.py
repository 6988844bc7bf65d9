"""The Belgian enterprise number (KBO/BCE, "ondernemingsnummer"), checked with python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat
from stdnum.exceptions import ValidationError as StdnumError


def normalise(value):
    """Return the ten digits of a valid enterprise number, or raise ValidationError.

    Accepts the usual spellings: "0403.170.701", "BE0403170701", "BE 0403 170 701" and the old
    nine-digit "403170701".
    """
    try:
        return vat.validate(str(value))
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid Belgian enterprise number (e.g. 0403.170.701)."),
            code="invalid_enterprise_number",
            params={"value": value},
        ) from None


def validate(value):
    normalise(value)


def display(number):
    """Format ten digits the way the KBO shows them: 0403.170.701."""
    return f"{number[:4]}.{number[4:7]}.{number[7:]}" if len(number) == 10 else number
