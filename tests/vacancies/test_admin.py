"""The opportunities in the admin: lists with filters and search, and edits that keep the
doorstroom flag and the search index in step."""

import re

import pytest

from tests.factories import log_in_as
from vacancies.models import Support, Vacancy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["vacancy", "servicerequest", "support"])
def test_the_lists_filter_and_search(client, world, model):
    log_in_as(client, world.administrator)
    province = world.vacancy.province_id

    page = client.get(
        f"/en/admin/vacancies/{model}/",
        {}
        if model == "support"
        else {"status__exact": "published", "province__id__exact": province, "q": "Mergelland"},
    )

    assert page.status_code == 200
    if model == "vacancy":
        assert "Keukenhulp" in page.content.decode()


def test_the_change_page_shows_code_and_dates_read_only(client, world):
    log_in_as(client, world.administrator)

    page = client.get(f"/en/admin/vacancies/vacancy/{world.vacancy.pk}/change/").content.decode()

    assert world.vacancy.code in page
    assert 'name="code"' not in page
    assert 'name="published_at' not in page


def test_an_edit_in_the_admin_keeps_the_doorstroom_flag_and_the_index_in_step(client, world):
    log_in_as(client, world.administrator)
    vacancy = world.vacancy
    mentor = Support.objects.get(slug="mentor")

    response = client.post(
        f"/en/admin/vacancies/vacancy/{vacancy.pk}/change/",
        {
            "organisation": vacancy.organisation_id,
            "postcode": vacancy.postcode_id,
            "title": "Keukenhulp met mentor",
            "description": vacancy.description,
            "closing_date": str(vacancy.closing_date),
            "status": "published",
            "closed_reason": "",
            "sector": vacancy.sector_id,
            "contract_type": vacancy.contract_type,
            "hours_per_week": vacancy.hours_per_week,
            "start_date": "",
            "supports": [mentor.pk],
        },
    )

    errors = re.findall(r"errorlist[^>]*>.{0,200}", response.content.decode(), re.S)
    assert response.status_code == 302, errors
    vacancy = Vacancy.objects.get(pk=vacancy.pk)
    assert vacancy.open_to_doorstroom
    assert "Mentor" in vacancy.search_text
