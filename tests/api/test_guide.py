"""The guide to the API (/open-data/api/, api/guide.py): in every language, in the portal's
layout, with the directory's own parameters, an anchor for every kind of problem, examples that
name this portal and values the reference data hold, and the complete client."""

import re
from importlib import import_module

import pytest
from django.urls import reverse
from django.utils import translation

from api import guide
from companies.filters import DirectoryFilter
from portal.models import Postcode, ServiceCategory
from tests.conftest import _skip_or_fail

pytestmark = pytest.mark.django_db

TITLES = {"nl": "De API: een handleiding", "fr": "L’API : un guide", "en": "The API: a guide"}


def guide_url(language):
    with translation.override(language):
        return reverse("open_data:guide")


def code_blocks(html):
    return re.findall(r"<pre[^>]*>(.*?)</pre>", html, flags=re.S)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_guide_answers_in_every_language_in_the_portals_layout(client, language):
    response = client.get(guide_url(language))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{TITLES[language]}</h1>" in html
    assert 'class="skip-link"' in html and 'class="site-footer"' in html
    assert f'href="{reverse("api:docs")}"' in html
    assert f'href="{reverse("api:schema")}"' in html


def test_the_code_blocks_are_the_same_in_every_language(client):
    blocks = {
        language: code_blocks(client.get(guide_url(language)).content.decode())
        for language in TITLES
    }

    assert blocks["nl"] == blocks["fr"] == blocks["en"]
    assert len(blocks["nl"]) >= 5


def test_the_examples_name_this_portals_api_and_values_the_reference_data_hold(
    client, reference_data
):
    html = client.get(guide_url("nl")).content.decode()

    api_root = f"http://testserver{guide.API_ROOT}"
    assert reverse("api:schema") == f"{guide.API_ROOT}schema/"
    assert f'curl "{api_root}organisations/?kind=social&amp;verified=1' in html
    assert f'url = "{api_root}organisations/?"' in html
    assert ServiceCategory.objects.filter(slug=guide.EXAMPLE["service"]).exists()
    assert Postcode.objects.filter(code=guide.EXAMPLE["postcode"]).exists()


def test_the_guide_lists_every_parameter_of_the_directorys_search(client):
    html = client.get(guide_url("en")).content.decode()

    for name, search_filter in DirectoryFilter.base_filters.items():
        assert f"<code>{name}</code></th><td>{search_filter.label}</td>" in html
    for name in ("cursor", "per_page", "lang"):
        assert f"<code>{name}</code>" in html


def test_every_kind_of_problem_has_its_anchor(client):
    html = client.get(guide_url("nl")).content.decode()

    for code, _meaning in guide.PROBLEMS:
        assert f'id="problem-{code}"' in html


def test_every_problem_the_api_answers_points_to_an_anchor_of_the_guide(client):
    try:
        problems = import_module("api.problems")
    except ImportError:
        _skip_or_fail("waits for api/problems.py (issue 24, the API's read endpoints)")
    html = client.get(guide_url("nl")).content.decode()

    for code in problems.PROBLEMS:
        uri = problems.type_uri(code)
        assert uri.split("#")[0].endswith(guide_url("nl")), uri
        assert f'id="{uri.split("#")[1]}"' in html, uri


def test_the_guide_shows_the_client_and_offers_it_for_download(client):
    html = client.get(guide_url("fr")).content.decode()
    with translation.override("fr"):
        download = reverse("open_data:client")

    assert download.startswith("/fr/")
    assert f'href="{download}" download' in html
    assert "def organisations(url, **options):" in html

    response = client.get(download)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{guide.CLIENT.name}"'
    assert b"".join(response.streaming_content) == guide.CLIENT.read_bytes()


def test_the_guide_says_the_rate_limits_when_the_portal_sets_them(client, settings):
    settings.API_RATE_ANONYMOUS = "60/minute"
    settings.API_RATE_TOKEN = "1/hour"

    html = client.get(guide_url("nl")).content.decode()

    assert "60 verzoeken per minuut" in html
    assert "1 verzoek per uur" in html


def test_the_guide_costs_no_query_for_a_visitor(client, django_assert_num_queries):
    client.get(guide_url("nl"))

    with django_assert_num_queries(0):
        assert client.get(guide_url("nl")).status_code == 200
