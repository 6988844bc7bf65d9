"""Amounts as each language writes them (portal/templatetags/amounts.py, issue 18 item 11)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.templatetags.amounts import euros

NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("nl", Decimal("500"), f"€{NBSP}500"),
        ("nl", Decimal("1250.50"), f"€{NBSP}1.250,50"),
        ("nl", Decimal("0.01"), f"€{NBSP}0,01"),
        ("fr", Decimal("500.00"), f"500{NBSP}€"),
        ("fr", Decimal("1250.5"), f"1{NBSP}250,50{NBSP}€"),
        ("en", Decimal("500"), "€500"),
        ("en", Decimal("1250.50"), "€1,250.50"),
        ("en", 15000, "€15,000"),
        ("en", "480.00", "€480"),
    ],
)
def test_each_language_writes_euros_its_own_way(language, value, shown):
    with translation.override(language):
        assert euros(value) == shown
        assert Template("{% load amounts %}{{ v|euros }}").render(Context({"v": value})) == shown


@pytest.mark.parametrize("value", [None, "", "abc", "NaN", "Infinity", True, object()])
def test_no_amount_is_written_as_nothing(value):
    with translation.override("nl"):
        assert euros(value) == ""


def test_the_admin_columns_use_the_same_function():
    from vouchers.admin import money

    with translation.override("fr"):
        assert money(Decimal("13750.00")) == f"13{NBSP}750{NBSP}€"
        assert money(None) == "–"
