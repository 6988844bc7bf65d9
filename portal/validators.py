"""Validators whose messages write numbers and dates the way the reader's language does.

Django's MinValueValidator and its kin put the limit into the message with str(): "at least
0.01" in Dutch, where "0,01" is meant. `localised(value)` wraps a number or date so that it is
formatted (django.utils.formats.localize: number_format, date_format) when the message is shown,
in the language of that moment; the validators below use it for their limit. Number fields take
them through portal.forms.IntegerField and portal.forms.DecimalField; models name them in
`validators=[...]`. No model or form is imported here, so models can import this module."""

from django.core import validators
from django.utils import formats
from django.utils.deconstruct import deconstructible


class localised:  # noqa: N801 (used like a function: localised(0.01))
    """A number or date that becomes text in the active language's format when shown."""

    def __init__(self, value):
        self.value = value

    def __str__(self):
        return str(formats.localize(self.value, use_l10n=True))

    def __repr__(self):
        return f"localised({self.value!r})"

    def __eq__(self, other):
        return isinstance(other, localised) and other.value == self.value

    def __hash__(self):
        return hash(self.value)


class LocalisedLimit:
    """Mixin for Django's limit validators: the numbers in the message are localised."""

    def __call__(self, value):
        try:
            super().__call__(value)
        except validators.ValidationError as error:
            # The limit, the value as cleaned and a step's examples; "value" is what was typed.
            error.params = {
                name: value if name == "value" else localised(value)
                for name, value in (error.params or {}).items()
            }
            raise


@deconstructible(path="portal.validators.MinValueValidator")
class MinValueValidator(LocalisedLimit, validators.MinValueValidator):
    pass


@deconstructible(path="portal.validators.MaxValueValidator")
class MaxValueValidator(LocalisedLimit, validators.MaxValueValidator):
    pass


@deconstructible(path="portal.validators.StepValueValidator")
class StepValueValidator(LocalisedLimit, validators.StepValueValidator):
    pass


# Django's own classes and their localised counterparts, for the fields that make their own.
LOCALISED = {
    validators.MinValueValidator: MinValueValidator,
    validators.MaxValueValidator: MaxValueValidator,
    validators.StepValueValidator: StepValueValidator,
}


def localise(validator):
    """`validator` with its limit localised in its message, when it is one of Django's."""
    counterpart = LOCALISED.get(type(validator))
    if counterpart is None:
        return validator
    if counterpart is StepValueValidator:
        return counterpart(
            validator.limit_value, offset=validator.offset, message=validator.message
        )
    return counterpart(validator.limit_value, message=validator.message)
