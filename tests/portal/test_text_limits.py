"""Every text a person types has a limit that the form states and enforces (issue 18, item 3)."""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.db import models

# The modules that define the portal's forms, and allauth's forms as the portal uses them.
FORM_MODULES = [
    "companies.forms",
    "companies.reports",
    "companies.templatetags.companies_tags",
    "vacancies.forms",
    "vouchers.forms",
    "vouchers.admin",
    "portal.forms",
    "portal.facets",
    "portal.admin",
    "portal.account_forms",
]
# Text the portal writes itself, never typed into a form (the outbox is read-only in the admin).
WRITTEN_BY_THE_PORTAL = {
    ("portal", "notification", name) for name in ("body", "html", "last_error")
}


def form_classes():
    found = {}
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == module_name:
                found[f"{module_name}.{value.__name__}"] = value
    return found


def test_allauth_uses_the_forms_with_limits():
    from allauth.account import app_settings as account_settings
    from allauth.mfa import app_settings as mfa_settings
    from django.utils.module_loading import import_string

    used = {**account_settings.FORMS, **{f"mfa {k}": v for k, v in mfa_settings.FORMS.items()}}
    assert len(used) == 12
    for path in used.values():
        assert import_string(path).__module__ == "portal.account_forms"


def test_the_walk_finds_the_forms():
    names = form_classes()
    assert "companies.forms.OrganisationForm" in names
    assert "vacancies.forms.OpportunityForm" in names or len(names) > 30


@pytest.mark.parametrize("name", sorted(form_classes()))
def test_every_text_field_of_every_form_has_a_limit(name):
    form_class = form_classes()[name]
    unlimited = [
        field_name
        for field_name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField) and not field.max_length
    ]
    assert unlimited == [], f"{name}: {unlimited} have no max_length"


def test_every_text_field_of_every_model_has_a_limit():
    unlimited = [
        (model._meta.app_label, model._meta.model_name, field.name)
        for model in apps.get_models()
        if model._meta.app_label in {"companies", "vacancies", "vouchers", "portal"}
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and field.editable
        and not field.max_length
        and (model._meta.app_label, model._meta.model_name, field.name) not in WRITTEN_BY_THE_PORTAL
    ]
    assert unlimited == []


@pytest.mark.parametrize("name", sorted(form_classes()))
def test_every_number_field_states_its_limits_in_the_languages_format(name):
    """Issue 18, item 1: portal.forms.IntegerField and DecimalField (portal/validators.py)."""
    from portal.forms import LocalisedLimits

    plain = [
        field_name
        for field_name, field in form_classes()[name].base_fields.items()
        if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField))
        and not isinstance(field, LocalisedLimits)
    ]
    assert plain == [], f"{name}: {plain} are Django's number fields"
