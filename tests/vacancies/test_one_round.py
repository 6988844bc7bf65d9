"""Every form of the app reports all its problems in one round (issue 18, item 1): the field
checks, the checks between fields and the checks of the opportunity's state, with dates in the
language's format."""

import re
from datetime import timedelta

import pytest
from django.utils import formats, timezone, translation

from tests.factories import CandidateFactory
from tests.vacancies.conftest import request_data, vacancy_data
from vacancies import responses
from vacancies.models import Response, ServiceRequest, Vacancy

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def iso(days):
    return str(TODAY + timedelta(days=days))


def summary_count(html):
    return int(re.search(r"Please correct (\d+) errors?", html).group(1))


def test_a_vacancy_with_seven_problems_shows_all_seven_at_once(client, world):
    client.force_login(world.owner)
    data = vacancy_data(
        title="  ",
        description="x" * 10001,
        postcode="9999",
        contract_type="slavery",
        hours_per_week="0",
        sector="abc",
        start_date=iso(-3),
        closing_date=iso(-1),
    )

    page = client.post("/en/vacancies/new/", {**data, "action": "publish"})

    html = page.content.decode()
    assert page.status_code == 200
    for field in [
        "title",
        "description",
        "postcode",
        "contract_type",
        "hours_per_week",
        "sector",
        "start_date",
        "closing_date",
    ]:
        assert f'id="id_{field}_error"' in html, field
    assert summary_count(html) == 8
    assert "The closing date cannot be in the past: choose" in html
    assert not Vacancy.objects.filter(created_by=world.owner).exists()


def test_a_request_with_problems_between_fields_and_in_fields_shows_them_together(client, world):
    client.force_login(world.owner)
    data = request_data(
        title="",
        category="",
        period_start=iso(50),
        period_end=iso(40),
        closing_date=iso(-2),
        volume="x" * 201,
    )

    html = client.post("/en/requests/new/", {**data, "action": "publish"}).content.decode()

    for field in ["title", "category", "period_end", "closing_date", "volume"]:
        assert f'id="id_{field}_error"' in html, field
    assert "The period cannot end before it starts." in html
    assert summary_count(html) == 5
    assert not ServiceRequest.objects.filter(created_by=world.owner).exists()


def test_the_closing_date_error_gives_the_date_in_the_pages_language(client, world):
    client.force_login(world.owner)
    with translation.override("nl"):
        today = formats.date_format(TODAY)

    html = client.post("/vacancies/new/", vacancy_data(closing_date=iso(-1))).content.decode()

    assert f"De uiterste datum kan niet in het verleden liggen: kies {today} of later." in html


def test_a_candidate_with_problems_in_several_fields_shows_them_all(client, world):
    client.force_login(world.enterprise_member)
    data = {
        "experience": "",
        "skills": "Mail jan.peeters@gmail.com",
        "availability": "x" * 301,
        "support_needed": "Heeft autisme",
        "message": "Bel 0470 99 88 77 " + "x" * 4000,
    }

    html = client.post(f"/en/vacancies/{world.vacancy.code}/respond/", data).content.decode()

    for field in ["experience", "skills", "availability", "support_needed", "message"]:
        assert f'id="respond_{field}_error"' in html, field
    assert "contains a phone number (0470 99 88 77)" in html  # beside "at most 4000"
    assert "at most 4000 characters" in html
    assert not Response.objects.exists()


def test_a_move_that_no_longer_fits_is_said_with_a_missing_message(client, world):
    """Another member took the response into conversation meanwhile: the page still offered
    that move. Both problems come in one round, with the form to try again."""
    candidate = CandidateFactory(vacancy=world.vacancy, enterprise=world.enterprise)
    responses.move(candidate, status="in_conversation", reply="Bellen?", by=world.editor)
    client.force_login(world.owner)
    prefix = f"response-{candidate.pk}"

    page = client.post(
        f"/en/vacancies/{world.vacancy.code}/responses/{candidate.pk}/move/",
        {f"{prefix}-status": "in_conversation", f"{prefix}-reply": ""},
    )

    html = page.content.decode()
    assert "A response that is in conversation cannot be moved there." in html
    assert f'id="id_{prefix}-reply_error"' in html
    candidate.refresh_from_db()
    assert (candidate.status, candidate.reply) == ("in_conversation", "Bellen?")
