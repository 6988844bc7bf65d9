"""Posting from an HR system (api/posting.py): an organisation's token creates, changes,
publishes, extends and closes that organisation's vacancies and service requests, through the
pages' forms and vacancies/lifecycle.py, with every write in the audit log."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import IdempotentRequest
from portal.models import AuditEntry, Region
from tests.factories import (
    OrganisationFactory,
    OwnerFactory,
    VacancyFactory,
    first_service_category,
    in_days,
    postcode,
)
from tests.races import run_together
from vacancies.models import ServiceRequest, Status, Vacancy

from .conftest import Poster, bearer, detail_of, errors_of

pytestmark = pytest.mark.django_db

VACANCIES = "/api/v1/vacancies/"
REQUESTS = "/api/v1/service-requests/"


def vacancy_body(**fields):
    return {
        "title": "Magazijnier",
        "description": "Orderpicking en laden in een klein team.",
        "postcode": "3500",
        "contract_type": "permanent",
        "hours_per_week": 38,
        "sector": "C",
        "closing_date": in_days(30).isoformat(),
        "supports": ["mentor"],
        **fields,
    }


def request_body(**fields):
    return {
        "title": "Groenonderhoud",
        "description": "Maaien en snoeien rond de loodsen.",
        "category": first_service_category().slug,
        "postcode": "3500",
        "closing_date": in_days(30).isoformat(),
        **fields,
    }


def url(base, opportunity, step=""):
    return f"{base}{opportunity.code}/{step + '/' if step else ''}"


# --- Who may ------------------------------------------------------------------------------------


def test_without_a_token_nothing_is_posted(poster):
    response = APIClient().post(VACANCIES, vacancy_body(), format="json")
    empty = bearer("").post(VACANCIES, vacancy_body(), format="json")

    assert response.status_code == empty.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Vacancy.objects.exists()


def test_a_wrong_token_is_refused_not_taken_for_anonymous(poster):
    response = bearer("bw_made-up").post(VACANCIES, vacancy_body(), format="json")

    assert response.status_code == 401
    assert not Vacancy.objects.exists()


def test_a_personal_token_cannot_post(poster, personal_key):
    response = bearer(personal_key).post(VACANCIES, vacancy_body(), format="json")

    assert response.status_code == 403
    assert "token van de organisatie" in detail_of(response)
    assert not Vacancy.objects.exists()


def test_a_token_of_another_organisation_finds_nothing_of_this_one(poster, other_poster):
    theirs = VacancyFactory(organisation=other_poster.organisation)
    client = poster.client()

    for response in [
        client.patch(url(VACANCIES, theirs), {"title": "Van mij"}, format="json"),
        client.post(url(VACANCIES, theirs, "publish")),
        client.post(url(VACANCIES, theirs, "extend"), {"closing_date": "2030-01-01"}),
        client.post(url(VACANCIES, theirs, "close"), {"reason": "filled"}),
    ]:
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.DRAFT and theirs.title != "Van mij"


def test_the_token_stops_when_its_issuer_is_no_longer_an_owner(poster):
    poster.organisation.memberships.filter(user=poster.owner).update(role="editor")

    response = poster.client().post(VACANCIES, vacancy_body(), format="json")

    assert response.status_code == 401
    assert not Vacancy.objects.exists()


def test_a_revoked_token_stops_at_once(poster):
    from api import tokens

    tokens.revoke(poster.token, by=poster.owner)

    assert poster.client().post(VACANCIES, vacancy_body(), format="json").status_code == 401


def test_reading_is_the_public_read_whoever_asks(poster):
    """GET of these addresses is the read API's: a draft is not found even with the poster's
    own token, as on the page for a visitor; once published it reads as anyone reads it."""
    client = poster.client()
    response = client.post(VACANCIES, vacancy_body(), format="json")
    address = response["Location"]

    assert client.get(address).status_code == 404
    assert client.post(f"{address}publish/").status_code == 200
    assert client.get(address).status_code == 200
    assert client.get(address).json()["title"] == vacancy_body()["title"]


# --- Creating -----------------------------------------------------------------------------------


def test_a_vacancy_is_posted_as_a_draft_and_audited(poster, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        response = poster.client().post(VACANCIES, vacancy_body(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    vacancy = Vacancy.objects.get()
    assert body["id"] == vacancy.code
    assert response["Location"] == f"/api/v1/vacancies/{vacancy.code}/"
    assert body["status"] == "draft"
    assert body["organisation"] == poster.organisation.slug
    assert body["sector"] == "C" and body["hours_per_week"] == 38
    assert body["supports"] == ["mentor"]
    assert body["url"].endswith(f"/vacancies/{vacancy.code}/")
    assert vacancy.created_by == poster.owner and vacancy.open_to_doorstroom
    entry = AuditEntry.objects.get(action="vacancy.created")
    assert entry.actor == poster.owner
    assert entry.object_id == str(vacancy.pk)
    assert entry.changes == {"via": "api", "token": str(poster.token)}
    assert "HR-systeem" in entry.changes["token"]


def test_the_postcode_defaults_to_the_organisations(poster):
    body = vacancy_body()
    del body["postcode"]

    response = poster.client().post(VACANCIES, body, format="json")

    assert response.status_code == 201
    assert response.json()["postcode"] == poster.organisation.postcode.code


def test_a_service_request_is_posted_and_published(poster):
    client = poster.client()

    created = client.post(REQUESTS, request_body(budget_band="1k-5k"), format="json")
    request = ServiceRequest.objects.get()
    published = client.post(url(REQUESTS, request, "publish"))

    assert created.status_code == 201
    assert created.json()["category"] == first_service_category().slug
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert created.json()["budget_band"] == "1k-5k"
    actions = AuditEntry.objects.filter(action__startswith="service_request.").values_list(
        "action", flat=True
    )
    assert set(actions) == {
        "service_request.created",
        "service_request.published",
    }


def test_the_pages_messages_come_back_per_field(poster):
    response = poster.client().post(
        VACANCIES,
        vacancy_body(hours_per_week=60, sector="Z", closing_date="2020-01-01", title=""),
        format="json",
    )

    assert response.status_code == 400
    errors = errors_of(response)
    assert errors["hours_per_week"] == ["Geef hoogstens 50 uur per week op."]
    assert set(errors) == {"hours_per_week", "sector", "closing_date", "title"}
    assert not Vacancy.objects.exists()
    assert not AuditEntry.objects.exclude(object_type="api.apitoken").exists()


def test_messages_follow_accept_language(poster):
    response = poster.client().post(
        VACANCIES, vacancy_body(hours_per_week=60), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert errors_of(response)["hours_per_week"] == ["Give at most 50 hours per week."]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"colour": "blue"}, "colour"),
        ({"title": {"nl": "Magazijnier"}}, "title"),
        ({"closing_date": ["2030-01-01"]}, "closing_date"),
        ({"supports": "mentor"}, None),  # one value for a list: taken as a list of one
        ({"supports": [["mentor"]]}, "supports"),
        ({"title": "Magazijn\x00ier"}, "title"),
        ({"hours_per_week": 10**30}, "hours_per_week"),
        ({"closing_date": 20300101}, "closing_date"),
        ({"sector": None}, "sector"),
    ],
)
def test_odd_json_gets_a_clear_error_not_a_crash(poster, body, field):
    response = poster.client().post(VACANCIES, vacancy_body(**body), format="json")

    if field is None:
        assert response.status_code == 201
    else:
        assert response.status_code == 400
        assert field in errors_of(response)


@pytest.mark.parametrize("payload", [[1, 2], "text", 12, None])
def test_a_body_that_is_not_an_object_is_refused(poster, payload):
    response = poster.client().post(VACANCIES, payload, format="json")

    assert response.status_code == 400


def test_a_body_that_is_not_json_is_refused(poster):
    response = poster.client().post(VACANCIES, data=b"{title: ", content_type="application/json")

    assert response.status_code == 400


# --- Changing, publishing, extending, closing ---------------------------------------------------


def test_a_patch_changes_what_it_names_and_keeps_the_rest(poster, django_assert_max_num_queries):
    vacancy = VacancyFactory(organisation=poster.organisation, hours_per_week=20)

    with django_assert_max_num_queries(31):  # with the token's first last_used_at
        response = poster.client().patch(url(VACANCIES, vacancy), {"title": "Nieuw"})

    assert response.status_code == 200, response.json()
    vacancy.refresh_from_db()
    assert vacancy.title == "Nieuw" and vacancy.hours_per_week == 20
    entry = AuditEntry.objects.get(action="vacancy.updated")
    assert entry.changes["fields"] == ["title"]


def test_a_patch_is_validated_by_the_form(poster):
    vacancy = VacancyFactory(organisation=poster.organisation)

    response = poster.client().patch(url(VACANCIES, vacancy), {"hours_per_week": 0}, format="json")

    assert response.status_code == 400
    assert "hours_per_week" in errors_of(response)


def test_a_published_ones_closing_date_moves_only_by_extending(poster):
    vacancy = VacancyFactory(
        organisation=poster.organisation, status="published", published_at=timezone.now()
    )
    client = poster.client()

    patched = client.patch(url(VACANCIES, vacancy), {"closing_date": "2030-01-01"}, format="json")
    extended = client.post(
        url(VACANCIES, vacancy, "extend"), {"closing_date": in_days(60).isoformat()}
    )

    assert patched.status_code == 400 and "closing_date" in errors_of(patched)
    assert extended.status_code == 200
    assert extended.json()["closing_date"] == in_days(60).isoformat()
    assert AuditEntry.objects.filter(action="vacancy.extended").count() == 1


def test_extending_to_an_earlier_date_is_refused_by_the_lifecycle(poster):
    vacancy = VacancyFactory(
        organisation=poster.organisation, status="published", published_at=timezone.now()
    )

    response = poster.client().post(
        url(VACANCIES, vacancy, "extend"), {"closing_date": in_days(1).isoformat()}
    )

    assert response.status_code == 400
    assert "closing_date" in errors_of(response)
    assert not AuditEntry.objects.filter(action__startswith="vacancy.").exists()


def test_publishing_a_draft_and_closing_it(poster):
    vacancy = VacancyFactory(organisation=poster.organisation)
    client = poster.client()

    published = client.post(url(VACANCIES, vacancy, "publish"))
    again = client.post(url(VACANCIES, vacancy, "publish"))
    no_reason = client.post(url(VACANCIES, vacancy, "close"), {})
    closed = client.post(url(VACANCIES, vacancy, "close"), {"reason": "filled"})

    assert published.json()["status"] == "published"
    assert again.status_code == 400
    assert no_reason.status_code == 400 and "reason" in errors_of(no_reason)
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["closed_reason"] == "filled"
    actions = list(
        AuditEntry.objects.filter(action__startswith="vacancy.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["vacancy.published", "vacancy.closed"]


def test_an_unverified_poster_waits_for_the_regie_as_on_the_pages(reference_data, db):
    Region.objects.filter(slug="zuidoost-limburg").update(checks_unverified_posters=True)
    poster = Poster(postcode=postcode("3700"))
    poster.organisation.verified_at = None
    poster.organisation.save()
    vacancy = VacancyFactory(organisation=poster.organisation)

    response = poster.client().post(url(VACANCIES, vacancy, "publish"))

    assert response.status_code == 200
    assert response.json()["status"] == "awaiting"
    vacancy.refresh_from_db()
    assert vacancy.status == Status.AWAITING and vacancy.published_at is None


def test_a_member_who_is_not_the_issuer_changes_nothing_of_the_rules(poster):
    """The step is taken by the issuer: the lifecycle's membership check is the page's."""
    other = OrganisationFactory()
    OwnerFactory(organisation=other, user=poster.owner)
    vacancy = VacancyFactory(organisation=other)

    response = poster.client().patch(url(VACANCIES, vacancy), {"title": "X"}, format="json")

    assert response.status_code == 404  # the token is the first organisation's only


# --- Idempotency keys ---------------------------------------------------------------------------


def test_a_retry_with_the_same_key_answers_the_first_answer_and_posts_once(
    poster, django_assert_max_num_queries
):
    client = poster.client()

    first = client.post(VACANCIES, vacancy_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    with django_assert_max_num_queries(10):  # the token, the key and its answer: no posting
        second = client.post(VACANCIES, vacancy_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Vacancy.objects.count() == 1
    assert AuditEntry.objects.filter(action="vacancy.created").count() == 1


def test_the_same_key_with_another_body_is_refused(poster):
    client = poster.client()
    client.post(VACANCIES, vacancy_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    response = client.post(
        VACANCIES, vacancy_body(title="Ander"), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert response.status_code == 422
    assert Vacancy.objects.count() == 1


def test_keys_are_per_token_and_steps_keep_theirs(poster, other_poster):
    vacancy = VacancyFactory(organisation=poster.organisation)
    client = poster.client()

    first = client.post(url(VACANCIES, vacancy, "publish"), HTTP_IDEMPOTENCY_KEY="p")
    retry = client.post(url(VACANCIES, vacancy, "publish"), HTTP_IDEMPOTENCY_KEY="p")
    theirs = other_poster.client().post(
        VACANCIES, vacancy_body(), format="json", HTTP_IDEMPOTENCY_KEY="p"
    )

    assert first.status_code == retry.status_code == 200  # not "only a draft can be published"
    assert theirs.status_code == 201


def test_a_refused_request_keeps_no_key(poster):
    client = poster.client()

    refused = client.post(
        VACANCIES, vacancy_body(hours_per_week=99), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    mended = client.post(VACANCIES, vacancy_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert refused.status_code == 400
    assert mended.status_code == 201


def test_a_key_is_kept_a_day(poster, settings):
    client = poster.client()
    client.post(VACANCIES, vacancy_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))

    again = client.post(VACANCIES, vacancy_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Vacancy.objects.count() == 2


def test_the_daily_task_removes_old_keys(poster):
    from api.tasks import remove_expired_idempotency_keys

    client = poster.client()
    client.post(VACANCIES, vacancy_body(), format="json", HTTP_IDEMPOTENCY_KEY="old")
    client.post(VACANCIES, vacancy_body(), format="json", HTTP_IDEMPOTENCY_KEY="new")
    IdempotentRequest.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25)
    )

    assert remove_expired_idempotency_keys() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.parametrize("key", ["", "x" * 256, "é", "a\tb"])
def test_a_malformed_key_is_refused(poster, key):
    response = poster.client().post(
        VACANCIES, vacancy_body(), format="json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert response.status_code == 400
    assert "Idempotency-Key" in errors_of(response)
    assert not Vacancy.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_identical_requests_at_once_post_once(transactional_reference_data):
    """Four HR-system retries of one POST released together, each on its own connection: the
    first takes the key, the others wait on its row and answer its answer."""
    poster = Poster()
    body = vacancy_body()

    def post(index):
        response = poster.client().post(VACANCIES, body, HTTP_IDEMPOTENCY_KEY="race")
        return response.status_code, response.json(), response.has_header("Idempotent-Replayed")

    outcomes = run_together(post, 4)

    assert all(not isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert {status for status, _body, _replayed in outcomes} == {201}
    assert len({answer["id"] for _status, answer, _replayed in outcomes}) == 1
    assert sorted(replayed for _status, _answer, replayed in outcomes) == [False, True, True, True]
    assert Vacancy.objects.count() == 1
    assert AuditEntry.objects.filter(action="vacancy.created").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_publish_sent_twice_at_once_publishes_once(transactional_reference_data):
    """Without a key, two publications at once meet the lifecycle's row lock: one publishes,
    the other hears that only a draft can be published."""
    poster = Poster()
    vacancy = VacancyFactory(organisation=poster.organisation)

    def publish(index):
        return poster.client().post(url(VACANCIES, vacancy, "publish")).status_code

    assert sorted(run_together(publish, 2)) == [200, 400]
    assert AuditEntry.objects.filter(action="vacancy.published").count() == 1
