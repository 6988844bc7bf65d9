"""No admin page shows the portal's internal fields (portal.admin.INTERNAL_FIELDS: search
vectors, name skeletons, tokens, keys, secrets, reminder bookkeeping), and no page offers a Save
button where nothing can be saved (issue 19, item 2).

Walks the change page of every registered ModelAdmin (admin.site._registry: portal, companies,
vacancies, vouchers and the libraries') as administrator and as regisseur, on the access
matrix's world, which holds a row of every registered model."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from portal.admin import INTERNAL_FIELDS
from tests.factories import log_in_as

from .matrix_world import build
from .test_access_matrix import ADMIN_OBJECTS, _value

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build(tmp_path)


def change_url(world, model):
    label = model._meta.label_lower
    if label in ADMIN_OBJECTS:
        obj = _value(world, ADMIN_OBJECTS[label])
    else:
        obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the world has no {label}"
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])


def internal_fields_shown(html, model):
    """The internal fields of `model` that the page shows: a row of a fieldset
    (class "field-<name>") or a label with the field's name."""
    shown = []
    for field in model._meta.get_fields():
        if field.name not in INTERNAL_FIELDS:
            continue
        label = str(getattr(field, "verbose_name", field.name)).capitalize()
        row = re.search(rf"\bfield-{field.name}(?!\w)", html)
        if row or f">{label}:</label>" in html:
            shown.append(field.name)
    return shown


@pytest.mark.parametrize("role", ["admin", "regisseur"])
def test_no_change_page_shows_an_internal_field(client, world, role):
    log_in_as(client, getattr(world.users, role))
    problems, walked = [], 0
    for model in admin.site._registry:
        response = client.get(change_url(world, model))
        if response.status_code != 200:
            continue  # a page this role may not see shows nothing at all
        walked += 1
        shown = internal_fields_shown(response.content.decode(), model)
        if shown:
            problems.append(f"{model._meta.label}: {shown}")
    assert not problems
    assert walked >= (len(admin.site._registry) if role == "admin" else 4)


def test_the_internal_set_names_fields_that_exist():
    fields = {field.name for model in admin.site._registry for field in model._meta.get_fields()}
    assert fields >= INTERNAL_FIELDS


def test_the_organisations_search_index_is_not_on_its_page(client, world):
    log_in_as(client, world.users.admin)

    html = client.get(change_url(world, type(world.employer))).content.decode()

    assert "Search text" not in html
    assert "Search vector" not in html


@pytest.mark.parametrize("role", ["regisseur", "other_regisseur"])
def test_a_regisseur_gets_no_save_button_where_nothing_can_be_saved(client, world, role):
    log_in_as(client, getattr(world.users, role))
    for model in admin.site._registry:
        response = client.get(change_url(world, model))
        if response.status_code != 200:
            continue
        model_admin = admin.site._registry[model]
        request = response.wsgi_request
        obj = response.context["original"]
        if model_admin.has_change_permission(request, obj):
            continue
        html = response.content.decode()
        assert 'name="_save"' not in html, model._meta.label
        assert 'name="_continue"' not in html, model._meta.label
        assert 'name="_addanother"' not in html, model._meta.label


def test_the_administrator_keeps_the_save_buttons_on_an_organisation(client, world):
    log_in_as(client, world.users.admin)

    html = client.get(change_url(world, type(world.employer))).content.decode()

    assert 'name="_save"' in html
