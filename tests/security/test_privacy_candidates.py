"""Candidate profiles are anonymised when their vacancy closes or expires (vacancies/privacy.py,
called from vacancies/lifecycle.py); status and dates stay for the reports."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    CandidateFactory,
    OfferFactory,
    OrganisationFactory,
    OwnerFactory,
    VacancyFactory,
    in_days,
)
from vacancies import lifecycle, privacy, responses
from vacancies.models import Placement, Response

FREE_TEXT = ("experience", "skills", "availability", "support_needed", "reply")


@pytest.fixture
def employer(reference_data, db):
    organisation = OrganisationFactory(name="Bakkerij Mergelland")
    return OwnerFactory(organisation=organisation).user, organisation


def published_vacancy(organisation, **fields):
    fields.setdefault("published_at", timezone.now())
    return VacancyFactory(organisation=organisation, status="published", **fields)


def assert_anonymised(response):
    response.refresh_from_db()
    assert response.message == privacy.anonymised_text()
    for name in FREE_TEXT:
        assert getattr(response, name) == ""


def test_closing_a_vacancy_anonymises_its_candidates_and_keeps_status_and_dates(employer):
    owner, organisation = employer
    vacancy = published_vacancy(organisation)
    accepted = CandidateFactory(vacancy=vacancy)
    responses.move(accepted, status="accepted", reply="Welkom in ons team!", by=owner)
    waiting = CandidateFactory(vacancy=vacancy)
    accepted.refresh_from_db()
    before = (accepted.status, accepted.created_at, accepted.decided_at, accepted.enterprise_id)

    lifecycle.close(vacancy, reason="filled", by=owner)

    assert_anonymised(accepted)
    assert_anonymised(waiting)
    assert (accepted.status, accepted.created_at, accepted.decided_at, accepted.enterprise_id) == (
        before
    )
    assert waiting.status == "new"
    assert Placement.objects.filter(response=accepted).exists()


def test_other_vacancies_candidates_and_offers_on_requests_are_left_alone(employer):
    owner, organisation = employer
    closing = published_vacancy(organisation)
    CandidateFactory(vacancy=closing)
    other = CandidateFactory(vacancy=published_vacancy(organisation))
    offer = OfferFactory(service_request__organisation=organisation)

    lifecycle.close(closing, reason="withdrawn", by=owner)
    lifecycle.close(offer.service_request, reason="withdrawn", by=owner)

    other.refresh_from_db()
    offer.refresh_from_db()
    assert other.experience == CandidateFactory.experience
    assert offer.message == OfferFactory.message
    assert offer.price_indication == OfferFactory.price_indication


def test_expiring_anonymises_the_candidates_of_expired_vacancies_only(employer):
    _owner, organisation = employer
    due = published_vacancy(organisation, closing_date=in_days(-1))
    open_one = published_vacancy(organisation, closing_date=in_days(5))
    expired_candidate = CandidateFactory(vacancy=due)
    open_candidate = CandidateFactory(vacancy=open_one)

    assert lifecycle.expire_due(timezone.localdate()) == 1

    assert_anonymised(expired_candidate)
    open_candidate.refresh_from_db()
    assert open_candidate.skills == CandidateFactory.skills


def test_vacancies_closed_before_anonymisation_existed_are_caught_by_the_nightly_run(employer):
    _owner, organisation = employer
    closed_earlier = VacancyFactory(organisation=organisation, status="closed")
    candidate = CandidateFactory(vacancy=closed_earlier)

    lifecycle.expire_due(timezone.localdate())

    assert_anonymised(candidate)


def test_a_second_run_changes_nothing(employer):
    owner, organisation = employer
    vacancy = published_vacancy(organisation)
    candidate = CandidateFactory(vacancy=vacancy)
    lifecycle.close(vacancy, reason="filled", by=owner)
    long_ago = timezone.now() - timedelta(days=3)
    Response.objects.filter(pk=candidate.pk).update(updated_at=long_ago)

    assert privacy.anonymise_candidates([vacancy.pk]) == 0
    lifecycle.expire_due(timezone.localdate())

    candidate.refresh_from_db()
    assert candidate.updated_at == long_ago


def test_the_neutral_text_holds_nothing_the_privacy_check_would_refuse():
    assert privacy.find(privacy.anonymised_text()) == []


def test_the_poster_sees_the_neutral_text_on_the_closed_vacancy(client, employer):
    owner, organisation = employer
    vacancy = published_vacancy(organisation)
    CandidateFactory(vacancy=vacancy)
    lifecycle.close(vacancy, reason="filled", by=owner)
    client.force_login(owner)

    page = client.get(f"/vacancies/{vacancy.code}/").content.decode()

    assert "Drie jaar in de keuken" not in page
    assert privacy.anonymised_text().split(":")[0] in page
