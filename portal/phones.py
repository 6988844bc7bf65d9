"""Phone numbers: checked with the phonenumbers library (Google's libphonenumber metadata),
Belgian by default, international allowed, stored in one form (E.164, "+3211234567") and shown
the way people write them ("011 23 45 67" for a Belgian number, "+31 20 123 4567" otherwise).

Forms use `portal.forms.PhoneField`, imports call `normalise`, templates the `phone` filter of
portal_tags. A number stored before numbers were checked that does not parse is shown as
stored."""

from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A number written without a country code ("0470 12 34 56") is Belgian.
DEFAULT_REGION = "BE"
# E.164 allows 15 digits and the +; people write spaces, dots and slashes between them.
MAX_TYPED_LENGTH = 30

INVALID = _("Enter a phone number, such as 011 23 45 67 or +32 11 23 45 67.")


def parse(value):
    """The PhoneNumber of `value` if it is a valid number, else None."""
    try:
        number = phonenumbers.parse(value or "", DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise(value):
    """`value` as E.164 ("+3211234567"); "" stays ""; ValidationError when it is no number."""
    value = (value or "").strip()
    if not value:
        return ""
    number = parse(value) if len(value) <= MAX_TYPED_LENGTH else None
    if number is None:
        raise ValidationError(INVALID, code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# How many stored numbers each process keeps in the form they are shown (`display`): parsing,
# checking and formatting a number takes some 30 microseconds, which made 60% of a CSV guide
# of 50,000 organisations (issue 20). A number's form never changes (the library's metadata is
# fixed for the life of the process), so a process keeps the forms it made, up to the size of
# a large directory: 35,000 numbers held 4.3 MB, the most some 8 MB.
DISPLAY_CACHE = 65_536


@lru_cache(maxsize=DISPLAY_CACHE)
def display(value):
    """A stored number as people read it: national for a Belgian number, international for
    another country; what does not parse, as stored. (Kept per process: DISPLAY_CACHE.)"""
    number = parse(value) if value else None
    if number is None:
        return value or ""
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
