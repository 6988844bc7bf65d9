"""Amounts of money as each language writes them: the one place that formats euros.

    nl  € 500    € 1.250,50
    fr  500 €    1 250,50 €   (non-breaking spaces)
    en  €500     €1,250.50

Whole euros go without ",00". Templates `{% load amounts %}` and write `{{ value|euros }}`;
Python code (views, the lifecycle's messages, the admin's columns) calls `euros(value)`. Files
for machines (the payout CSV) keep plain numbers and do not use this.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()

# Where the euro sign goes, per language; the number is written by Django's formats (the
# language's decimal and thousand separators).
PATTERNS = {
    "nl": "€\N{NO-BREAK SPACE}{number}",
    "fr": "{number}\N{NO-BREAK SPACE}€",
    "en": "€{number}",
}


@register.filter
def euros(value):
    """`value` (a Decimal, number or numeric string) in euros in the active language; "" when
    it is empty or no number."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        value = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if not value.is_finite():
        return ""
    places = 0 if value == value.to_integral_value() else 2
    number = formats.number_format(value, places, use_l10n=True, force_grouping=True)
    language = (get_language() or "nl").split("-")[0]
    return PATTERNS.get(language, PATTERNS["nl"]).format(number=number)
