"""Posting a vacancy or a service request, and editing it: forms, bad input, escaping."""

from datetime import timedelta

import pytest
from django.utils import timezone

from companies.access import ACTING_SESSION_KEY
from tests.factories import OrganisationFactory, OwnerFactory, UserFactory, VacancyFactory
from tests.vacancies.conftest import request_data, vacancy_data
from vacancies.models import ServiceRequest, Status, Vacancy

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEW_VACANCY = "/en/vacancies/new/"
NEW_REQUEST = "/en/requests/new/"


def iso(days):
    return str(TODAY + timedelta(days=days))


# --- Creating ------------------------------------------------------------------------------------


def test_the_form_says_for_whom_one_posts_and_starts_from_its_postcode(client, world):
    client.force_login(world.editor)

    page = client.get(NEW_VACANCY).content.decode()

    assert "You post for <strong>Bakkerij Mergelland</strong>" in page
    assert 'name="postcode" value="3700"' in page
    assert 'name="action" value="publish"' in page
    assert 'name="action" value="draft"' in page
    assert 'type="checkbox" name="supports"' in page


def test_publishing_a_vacancy_at_once(client, world):
    client.force_login(world.editor)

    response = client.post(NEW_VACANCY, {**vacancy_data(), "action": "publish"})

    vacancy = Vacancy.objects.get(title="Magazijnmedewerker (m/v/x)")
    assert response.status_code == 302
    assert response["Location"] == f"/en/vacancies/{vacancy.code}/"
    assert vacancy.organisation == world.employer
    assert vacancy.created_by == world.editor
    assert vacancy.status == Status.PUBLISHED
    assert vacancy.open_to_doorstroom
    assert vacancy.supports.count() == 2
    assert "The vacancy is published." in client.get(response["Location"]).content.decode()


def test_saving_a_vacancy_as_a_draft(client, world):
    client.force_login(world.owner)

    client.post(NEW_VACANCY, {**vacancy_data(supports=[]), "action": "draft"})

    vacancy = Vacancy.objects.get(title="Magazijnmedewerker (m/v/x)")
    assert vacancy.status == Status.DRAFT
    assert not vacancy.open_to_doorstroom


@pytest.mark.parametrize(("action", "status"), [("publish", "published"), ("draft", "draft")])
def test_posting_a_service_request(client, world, action, status):
    client.force_login(world.owner)

    response = client.post(NEW_REQUEST, {**request_data(), "action": action})

    service_request = ServiceRequest.objects.get(title="Groenonderhoud van ons bedrijfsterrein")
    assert response["Location"] == f"/en/requests/{service_request.code}/"
    assert service_request.status == status
    assert service_request.budget_band == "1k-5k"
    assert service_request.category.slug == "groenonderhoud"


def test_a_user_without_an_organisation_is_sent_to_add_or_join_one(client, reference_data):
    client.force_login(UserFactory())

    for url in [NEW_VACANCY, NEW_REQUEST]:
        response = client.get(url, follow=True)
        assert response.redirect_chain == [("/en/dashboard/", 302)]
        page = response.content.decode()
        assert "To post, first add your organisation to the portal or join it." in page
        assert 'href="/en/organisations/new/"' in page
    assert not Vacancy.objects.filter(created_by__isnull=True).exists()


def test_a_member_of_two_organisations_posts_for_the_one_they_act_for(client, world):
    second = OrganisationFactory(name="Zaal Tweede")
    OwnerFactory(organisation=second, user=world.owner)
    client.force_login(world.owner)
    session = client.session
    session[ACTING_SESSION_KEY] = second.pk
    session.save()

    page = client.get(NEW_VACANCY).content.decode()
    assert "You post for <strong>Zaal Tweede</strong>" in page
    assert f'action="/en/organisations/{world.employer.slug}/act/"' in page
    assert '<input type="hidden" name="next" value="/en/vacancies/new/">' in page

    client.post(NEW_VACANCY, {**vacancy_data(), "action": "publish"})
    assert Vacancy.objects.get(title="Magazijnmedewerker (m/v/x)").organisation == second

    # Switching with the act-for form brings the user back to the form.
    response = client.post(f"/en/organisations/{world.employer.slug}/act/", {"next": NEW_VACANCY})
    assert response["Location"] == NEW_VACANCY
    assert (
        "You post for <strong>Bakkerij Mergelland</strong>"
        in client.get(NEW_VACANCY).content.decode()
    )


# --- Bad input -----------------------------------------------------------------------------------

BAD_VACANCIES = {
    "closing date in the past": (
        {"closing_date": iso(-1)},
        "closing_date",
        "The closing date cannot be in the past",
    ),
    "no closing date": ({"closing_date": ""}, "closing_date", "This field is required."),
    "not a date": ({"closing_date": "31-02-2026"}, "closing_date", "Enter a valid date."),
    "no hours": ({"hours_per_week": "0"}, "hours_per_week", "Give at least 1 hour per week."),
    "too many hours": ({"hours_per_week": "51"}, "hours_per_week", "Give at most 50 hours"),
    "hours as words": ({"hours_per_week": "veel"}, "hours_per_week", "Enter a whole number."),
    "negative hours": ({"hours_per_week": "-5"}, "hours_per_week", "Give at least 1 hour"),
    "huge hours": ({"hours_per_week": "9" * 30}, "hours_per_week", "Give at most 50 hours"),
    "unknown postcode": ({"postcode": "9999"}, "postcode", "We do not know the postcode 9999"),
    "postcode of letters": ({"postcode": "abcd"}, "postcode", "four digits"),
    "long title": ({"title": "x" * 151}, "title", "at most 150 characters"),
    "huge description": ({"description": "x" * 10001}, "description", "at most 10000"),
    "empty title": ({"title": "   "}, "title", "This field is required."),
    "start date in the past": ({"start_date": iso(-3)}, "start_date", "cannot be in the past"),
    "unknown sector": ({"sector": "999999"}, "sector", "Select a valid choice."),
    "sector not a number": ({"sector": "abc"}, "sector", "Select a valid choice."),
    "unknown contract": ({"contract_type": "slavery"}, "contract_type", "Select a valid choice"),
    "unknown support": ({"supports": ["999999"]}, "supports", "Select a valid choice"),
    "null character": ({"title": "Kok\x00"}, "title", "Null characters are not allowed."),
}


@pytest.mark.parametrize("case", list(BAD_VACANCIES))
def test_bad_vacancy_input_is_named_and_nothing_is_saved(client, world, case):
    changes, field, message = BAD_VACANCIES[case]
    client.force_login(world.owner)
    before = Vacancy.objects.count()

    response = client.post(NEW_VACANCY, {**vacancy_data(**changes), "action": "publish"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert 'role="alert"' in page  # the error summary
    assert Vacancy.objects.count() == before


BAD_REQUESTS = {
    "closing date in the past": ({"closing_date": iso(-10)}, "closing_date", "in the past"),
    "period in the wrong order": (
        {"period_start": iso(50), "period_end": iso(40)},
        "period_end",
        "The period cannot end before it starts.",
    ),
    "unknown postcode": ({"postcode": "0000"}, "postcode", "We do not know the postcode 0000"),
    "long volume": ({"volume": "x" * 201}, "volume", "at most 200 characters"),
    "unknown budget": ({"budget_band": "1M"}, "budget_band", "Select a valid choice"),
    "unknown category": ({"category": "424242"}, "category", "Select a valid choice"),
    "no category": ({"category": ""}, "category", "This field is required."),
    "bad period date": ({"period_start": "gisteren"}, "period_start", "Enter a valid date."),
}


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_bad_service_request_input_is_named_and_nothing_is_saved(client, world, case):
    changes, field, message = BAD_REQUESTS[case]
    client.force_login(world.owner)
    before = ServiceRequest.objects.count()

    response = client.post(NEW_REQUEST, {**request_data(**changes), "action": "publish"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert ServiceRequest.objects.count() == before


def test_an_empty_post_names_every_required_field(client, world):
    client.force_login(world.owner)

    page = client.post(NEW_VACANCY, {}).content.decode()

    for field in ["title", "description", "postcode", "contract_type", "hours_per_week"]:
        assert f'id="id_{field}_error"' in page
    assert not Vacancy.objects.filter(created_by=world.owner).exists()


MARKUP = '<script>alert("x")</script><b onmouseover="steal()">Kok</b>'


def test_markup_is_stored_as_text_and_shown_escaped(client, world):
    client.force_login(world.owner)

    response = client.post(
        NEW_VACANCY,
        {**vacancy_data(title=MARKUP, description=MARKUP), "action": "publish"},
        follow=True,
    )

    vacancy = Vacancy.objects.get(organisation=world.employer, title=MARKUP)
    assert vacancy.description == MARKUP
    for page in [response.content.decode(), client.get("/en/dashboard/").content.decode()]:
        assert "<script>alert" not in page
        assert "<b onmouseover" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_markup_in_a_service_request_is_escaped_after_an_error_too(client, world):
    client.force_login(world.owner)

    page = client.post(
        NEW_REQUEST, {**request_data(volume=MARKUP, postcode="9999"), "action": "publish"}
    ).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


# --- Editing -------------------------------------------------------------------------------------


def edit_url(opportunity):
    prefix = "vacancies" if isinstance(opportunity, Vacancy) else "requests"
    return f"/en/{prefix}/{opportunity.code}/edit/"


def test_a_member_edits_a_draft_including_its_closing_date(client, world):
    client.force_login(world.editor)

    response = client.post(
        edit_url(world.draft_vacancy),
        vacancy_data(title="Orderpicker", closing_date=iso(45), supports=[]),
    )

    assert response["Location"] == f"/en/vacancies/{world.draft_vacancy.code}/"
    vacancy = Vacancy.objects.get(pk=world.draft_vacancy.pk)
    assert (vacancy.title, vacancy.closing_date, vacancy.status) == (
        "Orderpicker",
        TODAY + timedelta(days=45),
        Status.DRAFT,
    )
    assert not vacancy.open_to_doorstroom


def test_the_edit_form_of_a_published_one_leaves_the_closing_date_to_extending(client, world):
    client.force_login(world.owner)
    closing = world.service_request.closing_date

    page = client.get(edit_url(world.service_request)).content.decode()
    assert 'name="closing_date"' not in page
    assert "To move it, extend it on its page." in page

    client.post(
        edit_url(world.service_request),
        request_data(title="Catering voor 200 personen", closing_date=iso(90)),
    )
    fresh = ServiceRequest.objects.get(pk=world.service_request.pk)
    assert fresh.title == "Catering voor 200 personen"
    assert fresh.closing_date == closing
    assert fresh.status == Status.PUBLISHED


def test_an_unchanged_start_date_in_the_past_does_not_block_an_edit(client, world):
    vacancy = VacancyFactory(
        organisation=world.employer, status="published", start_date=TODAY - timedelta(days=7)
    )
    client.force_login(world.owner)

    response = client.post(
        edit_url(vacancy),
        vacancy_data(title="Nieuwe titel", start_date=str(vacancy.start_date), closing_date=None),
    )

    assert response.status_code == 302
    assert Vacancy.objects.get(pk=vacancy.pk).title == "Nieuwe titel"


def test_bad_input_on_the_edit_form_keeps_what_is_saved(client, world):
    client.force_login(world.owner)

    response = client.post(
        edit_url(world.vacancy), vacancy_data(title="", hours_per_week="99", closing_date=None)
    )

    assert response.status_code == 200
    assert "Give at most 50 hours per week." in response.content.decode()
    assert Vacancy.objects.get(pk=world.vacancy.pk).title == "Keukenhulp"


def test_a_closed_one_is_not_edited_but_explained(client, world):
    closed = VacancyFactory(organisation=world.employer, status="closed", closed_reason="filled")
    client.force_login(world.owner)

    response = client.get(edit_url(closed), follow=True)

    assert response.redirect_chain == [(f"/en/vacancies/{closed.code}/", 302)]
    assert "This one is closed. Reopen it before you change it." in response.content.decode()


# --- The poster's actions on the page ------------------------------------------------------------


def act(client, opportunity, action, data=None):
    prefix = "vacancies" if isinstance(opportunity, Vacancy) else "requests"
    return client.post(f"/en/{prefix}/{opportunity.code}/{action}/", data or {}, follow=True)


def test_closing_without_a_reason_says_so_and_changes_nothing(client, world):
    client.force_login(world.owner)

    page = act(client, world.vacancy, "close", {"reason": ""}).content.decode()

    assert "Why do you close it?: This field is required." in page
    assert Vacancy.objects.get(pk=world.vacancy.pk).status == Status.PUBLISHED


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (iso(-1), "The closing date cannot be in the past"),
        ("", "New closing date: This field is required."),
        ("morgen", "New closing date: Enter a valid date."),
        (iso(2), "Choose a closing date after the current one"),
    ],
)
def test_extending_with_a_bad_date_says_why(client, world, date, message):
    client.force_login(world.owner)

    response = act(client, world.service_request, "extend", {"closing_date": date})

    assert response.redirect_chain == [(f"/en/requests/{world.service_request.code}/", 302)]
    assert message in response.content.decode()
    assert ServiceRequest.objects.get(pk=world.service_request.pk).closing_date == (
        world.service_request.closing_date
    )


def test_extending_reopening_and_closing_through_the_page(client, world):
    client.force_login(world.editor)

    act(client, world.vacancy, "extend", {"closing_date": iso(50)})
    assert Vacancy.objects.get(pk=world.vacancy.pk).closing_date == TODAY + timedelta(days=50)

    page = act(client, world.vacancy, "close", {"reason": "filled"}).content.decode()
    assert "It is closed" in page
    assert Vacancy.objects.get(pk=world.vacancy.pk).closed_reason == "filled"

    act(client, world.vacancy, "reopen", {"closing_date": iso(10)})
    vacancy = Vacancy.objects.get(pk=world.vacancy.pk)
    assert (vacancy.status, vacancy.closing_date) == (Status.PUBLISHED, TODAY + timedelta(days=10))


def test_publishing_a_draft_whose_closing_date_passed_is_refused_with_the_reason(client, world):
    draft = VacancyFactory(organisation=world.employer, closing_date=TODAY - timedelta(days=1))
    client.force_login(world.owner)

    page = act(client, draft, "publish").content.decode()

    assert "has passed. Choose today or a later date." in page
    assert Vacancy.objects.get(pk=draft.pk).status == Status.DRAFT


def test_publishing_a_draft_through_the_page(client, world):
    client.force_login(world.owner)

    page = act(client, world.draft_request, "publish").content.decode()

    assert "The service request is published." in page
    assert ServiceRequest.objects.get(pk=world.draft_request.pk).status == Status.PUBLISHED


def test_an_over_long_vacancy_description_is_refused_in_french_and_nothing_is_lost(client, world):
    client.force_login(world.editor)
    too_long = "Vous préparez les commandes. " * 2100  # 60,900 characters

    response = client.post(
        "/fr/vacancies/new/",
        {
            **vacancy_data(title="Préparateur de commandes", description=too_long),
            "action": "publish",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus 10000 caractères" in page, page
    assert "Au plus 10 000 caractères." in page.replace("\u202f", " ").replace("\xa0", " ")
    assert 'value="Préparateur de commandes"' in page
    assert too_long.strip() in page
    assert not Vacancy.objects.filter(title="Préparateur de commandes").exists()
