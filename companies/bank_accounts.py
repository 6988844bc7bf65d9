"""The bank account to which the regie pays an organisation's vouchers: an IBAN.

Checked with python-stdnum (ISO 13616: the country's length and structure, the check digits),
stored compact and upper case ("BE68539007547034"), shown in groups of four
("BE68 5390 0754 7034"). No BIC: SEPA transfers within the EEA need the IBAN only.

Who sees it: the organisation's members (on its bank-account page; owners change it), the
regisseurs of its region and administrators (the admin, the payouts CSV). Never the public
profile, the directory's CSV or any other export.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError

from portal import audit, emails

EXAMPLE = "BE68 5390 0754 7034"
MAX_LENGTH = 34  # ISO 13616: at most 34 characters
BELGIAN_LENGTH = 16

_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+")


def _error(message, code, **params):
    return ValidationError(message, code=code, params={"example": EXAMPLE, **params})


def normalise(value):
    """The compact, upper-case IBAN, or a ValidationError that says what is wrong with it.

    Spaces, dashes and dots between the characters are allowed ("BE68 5390 0754 7034").
    """
    number = iban.compact(str(value or ""))
    if not _SHAPE.fullmatch(number) or len(number) > MAX_LENGTH:
        raise _error(
            _(
                "An IBAN starts with two letters and two digits, followed by letters and "
                "digits only, e.g. %(example)s."
            ),
            "iban_format",
        )
    if number.startswith("BE"):
        if len(number) != BELGIAN_LENGTH:
            raise _error(
                _(
                    "A Belgian IBAN has %(expected)d characters (BE and 14 digits); this one "
                    "has %(count)d."
                ),
                "iban_length",
                expected=BELGIAN_LENGTH,
                count=len(number),
            )
        if not number[2:].isdigit():
            raise _error(
                _("A Belgian IBAN has digits only after BE, e.g. %(example)s."), "iban_format"
            )
    try:
        # Not check_country: stdnum's Belgian check also looks the bank up in a list that
        # ages with the installed version; the check digits already catch typing errors.
        return iban.validate(number, check_country=False)
    except InvalidChecksum:
        raise _error(
            _("The check digits of this IBAN do not match the rest: look for a typing error."),
            "iban_checksum",
        ) from None
    except InvalidComponent:
        raise _error(
            _("%(country)s is not the code of a country that uses IBANs."),
            "iban_country",
            country=number[:2],
        ) from None
    except StdnumError:
        raise _error(
            _(
                "This IBAN does not have the length or form of an account number in "
                "%(country)s; check it with your bank."
            ),
            "iban_format",
            country=number[:2],
        ) from None


def validate(value):
    """The model field's validator (an empty value is the field's `blank`)."""
    if value:
        normalise(value)


def display(number):
    """The IBAN in groups of four, as on a bank card: BE68 5390 0754 7034."""
    return iban.format(number) if number else ""


def set_iban(organisation, *, by, number):
    """An owner sets (or changes) the organisation's IBAN; the audit log keeps both."""
    number = normalise(number)
    with transaction.atomic():
        before = organisation.iban
        if before == number:
            return False
        organisation.iban = number
        organisation.save(update_fields=["iban", "updated_at"])
        audit.record(
            by, "organisation.bank_account_changed", organisation, before=before, after=number
        )
        _tell_owners(organisation, by=by, before=before, after=number)
    return True


def masked(number):
    """An account as a notice shows it: the country and the last four characters."""
    return f"{number[:2]} … {number[-4:]}" if number else ""


def _tell_owners(organisation, *, by, before, after):
    """Every owner hears of a new bank account at once (vouchers are paid to it): one who did
    not make the change can undo it, or warn the regie, before a payout goes astray."""
    changed_at = timezone.now()
    for membership in organisation.memberships.filter(role="owner").select_related("user"):
        emails.send_to_user(
            membership.user,
            template="bank_account_changed",
            kind="bank_account",
            key=f"bank_account_changed:{organisation.pk}:{changed_at:%s%f}:{membership.user_id}",
            context={
                "organisation": organisation,
                "changed_by": by.get_full_name() or by.email,
                "before": masked(before),
                "after": masked(after),
                "page_path": reverse("companies:bank_account", kwargs={"slug": organisation.slug}),
            },
            summary=organisation.name,
        )
