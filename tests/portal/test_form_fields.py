"""The portal's shared form fields (portal/forms.py): phone, website, numbers that say their
limits in the reader's language (issue 18, items 1 and 4)."""

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from companies.models import phone_uri
from portal import phones
from portal.forms import DecimalField, IntegerField, PhoneField, WebsiteField


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("0470123456", "+32470123456", "0470 12 34 56"),
        ("0470 12 34 56", "+32470123456", "0470 12 34 56"),
        ("+32 470 12 34 56", "+32470123456", "0470 12 34 56"),
        ("011 23 45 67", "+3211234567", "011 23 45 67"),
        ("+32 (0)11/23.45.67", "+3211234567", "011 23 45 67"),
        ("+31 20 123 4567", "+31201234567", "+31 20 123 4567"),
        ("0031 20 123 4567", "+31201234567", "+31 20 123 4567"),
    ],
)
def test_a_phone_number_is_stored_in_one_form_and_shown_as_people_write_it(typed, stored, shown):
    field = PhoneField()
    assert field.clean(typed) == stored
    assert field.prepare_value(stored) == shown
    assert (
        Template("{% load portal_tags %}{{ number|phone }}").render(Context({"number": stored}))
        == shown
    )
    # The profile's tel: link is made from the stored form.
    assert phone_uri(stored) == f"tel:{stored}"


@pytest.mark.parametrize("typed", ["abc", "0470", "12345", "011 23 45 67 89 10 11", "+999 1234"])
def test_what_is_no_phone_number_is_refused_in_the_readers_language(typed):
    with pytest.raises(forms.ValidationError) as refused:
        PhoneField().clean(typed)
    with translation.override("nl"):
        assert refused.value.messages == [
            "Geef een telefoonnummer, zoals 011 23 45 67 of +32 11 23 45 67."
        ]


def test_an_empty_phone_number_is_allowed_where_the_field_is_optional():
    assert PhoneField(required=False).clean("") == ""
    with pytest.raises(forms.ValidationError):
        PhoneField().clean("")


def test_a_number_stored_before_numbers_were_checked_is_shown_as_stored():
    assert phones.display("bel ons maar") == "bel ons maar"
    assert phones.display("") == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("www.example.be", "https://www.example.be"),
        ("WWW.Example.BE/Over-Ons", "https://www.example.be/Over-Ons"),
        ("http://Example.be", "http://example.be"),
        ("https://example.be/pad?q=1", "https://example.be/pad?q=1"),
        ("", ""),
    ],
)
def test_a_website_is_stored_with_a_scheme_and_a_lower_case_host(typed, stored):
    assert WebsiteField(required=False).clean(typed) == stored


@pytest.mark.parametrize(
    "typed", ["abc", "0470123456", "https://", "http://exa mple.be", "[", "http://[::1"]
)
def test_what_is_no_website_is_refused(typed):
    with pytest.raises(forms.ValidationError):
        WebsiteField(required=False).clean(typed)


@pytest.mark.parametrize(
    ("language", "low", "high"),
    [
        ("nl", "Zorg ervoor dat deze waarde minstens 0,01 is.", "hoogstens 1000,5 is."),
        ("fr", "Assurez-vous que cette valeur est supérieure ou égale à 0,01.", "égale à 1000,5."),
        ("en", "Ensure this value is greater than or equal to 0.01.", "equal to 1000.5."),
    ],
)
def test_number_limits_are_written_the_languages_way(language, low, high):
    field = DecimalField(min_value=Decimal("0.01"), max_value=Decimal("1000.5"), decimal_places=2)
    with translation.override(language):
        with pytest.raises(forms.ValidationError) as too_low:
            field.clean("-50")
        assert too_low.value.messages == [low]
        with pytest.raises(forms.ValidationError) as too_high:
            field.clean("2000")
        assert too_high.value.messages[0].endswith(high)


def test_an_integer_field_keeps_its_own_messages_and_localises_the_limits():
    with translation.override("nl"):
        with pytest.raises(forms.ValidationError) as refused:
            IntegerField(min_value=1, max_value=300).clean("301")
        assert "300" in refused.value.messages[0]
        with pytest.raises(forms.ValidationError) as own:
            IntegerField(min_value=1, error_messages={"min_value": "Minstens één."}).clean("0")
        assert own.value.messages == ["Minstens één."]


@pytest.mark.parametrize(
    ("language", "ended", "started"),
    [("nl", "31 maart 2020", "1 april 2020"), ("fr", "31 mars 2020", "1 avril 2020")],
)
def test_dates_in_messages_are_written_the_languages_way(language, ended, started):
    from datetime import date

    from companies.collaborations import check_period

    with pytest.raises(forms.ValidationError) as refused:
        check_period(date(2020, 4, 1), date(2020, 3, 31), today=date(2026, 1, 1))
    with translation.override(language):
        message = refused.value.message_dict["ended"][0]
    assert ended in message and started in message, message
    assert "/" not in message


def test_the_organisation_admin_checks_phone_and_website_as_the_profile_does(rf):
    from django.contrib import admin

    from companies.models import Organisation
    from portal.models import User

    request = rf.get("/")
    request.user = User(is_staff=True, is_superuser=True)
    form_class = admin.site._registry[Organisation].get_form(request)

    assert isinstance(form_class.base_fields["phone"], PhoneField)
    assert isinstance(form_class.base_fields["website"], WebsiteField)
