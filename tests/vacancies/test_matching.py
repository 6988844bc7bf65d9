"""Matching a published opportunity with social enterprises (vacancies/matching.py).

The employer of `world` lies in Tongeren (3700). Hasselt (3500) lies about 20 km away,
Vilvoorde (1800) about 80 km and Brugge (8000) about 180 km.
"""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation

from companies.models import Recognition
from portal.models import NotificationPreference, ServiceCategory
from tests.factories import (
    OfferedServiceFactory,
    OwnerFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
    VacancyFactory,
    log_in_as,
    postcode,
    sector,
)
from vacancies import lifecycle, matching
from vacancies.models import Match
from vacancies.tasks import match_opportunity

pytestmark = pytest.mark.django_db


def category(slug="groenonderhoud"):
    return ServiceCategory.objects.get(slug=slug)


def enterprise_offering(code, *, radius_km=25, slug="groenonderhoud", verified=False, **fields):
    enterprise = SocialEnterpriseFactory(
        postcode=postcode(code), verified_at=timezone.now() if verified else None, **fields
    )
    OfferedServiceFactory(organisation=enterprise, category=category(slug), radius_km=radius_km)
    return enterprise


def enterprise_in_sector(code, sector_code="I", *, verified=False, recognitions=()):
    enterprise = SocialEnterpriseFactory(
        postcode=postcode(code), verified_at=timezone.now() if verified else None
    )
    enterprise.sectors.add(sector(sector_code))
    enterprise.recognitions.set(Recognition.objects.filter(slug__in=recognitions))
    return enterprise


@pytest.fixture
def request_(world):
    return ServiceRequestFactory(
        organisation=world.employer,
        category=category(),
        status="published",
        published_at=timezone.now(),
    )


@pytest.fixture
def vacancy(world):
    return VacancyFactory(
        organisation=world.employer,
        sector=sector("I"),
        status="published",
        published_at=timezone.now(),
    )


def matched(opportunity):
    return list(Match.objects.for_opportunity(opportunity).values_list("enterprise", flat=True))


def test_a_request_matches_enterprises_offering_its_category_within_their_radius(request_):
    near = enterprise_offering("3500", radius_km=30)
    too_far = enterprise_offering("1800", radius_km=30)
    other_category = enterprise_offering("3500", slug="catering")
    not_social = enterprise_offering("3500", kind="regular")

    assert matching.match(request_) == 1

    assert matched(request_) == [near.pk]
    assert {too_far.pk, other_category.pk, not_social.pk}.isdisjoint(matched(request_))


def test_a_service_without_a_radius_covers_all_of_flanders(request_):
    anywhere = enterprise_offering("8000", radius_km=None)

    matching.match(request_)

    assert matched(request_) == [anywhere.pk]


def test_the_radius_compared_is_that_of_the_requested_service(request_):
    # Catering reaches far, green maintenance does not: Brugge is too far for this request.
    enterprise = enterprise_offering("8000", radius_km=10)
    OfferedServiceFactory(organisation=enterprise, category=category("catering"), radius_km=None)

    assert matching.match(request_) == 0


def test_a_vacancy_matches_enterprises_in_its_sector_within_30_km(vacancy):
    near = enterprise_in_sector("3500")
    enterprise_in_sector("1800")  # too far
    enterprise_in_sector("3700", sector_code="C")  # another sector

    assert matching.match(vacancy) == 1

    assert matched(vacancy) == [near.pk]


def test_verified_enterprises_rank_first_then_closer_then_recognised(vacancy):
    far_verified = enterprise_in_sector("3500", verified=True)
    near = enterprise_in_sector("3700")
    near_recognised = enterprise_in_sector("3700", recognitions=["maatwerkbedrijf"])

    matching.match(vacancy)

    ranked = list(Match.objects.for_opportunity(vacancy).values_list("enterprise", flat=True))
    assert ranked == [far_verified.pk, near_recognised.pk, near.pk]


def test_the_reasons_are_stored_as_codes_and_read_in_the_active_language(request_):
    enterprise = enterprise_offering("3700", verified=True)
    enterprise.recognitions.set(Recognition.objects.filter(slug="maatwerkbedrijf"))

    matching.match(request_)

    found = Match.objects.get(service_request=request_)
    assert [reason["code"] for reason in found.reasons] == [
        "offers",
        "distance",
        "recognition",
        "verified",
    ]
    assert found.reasons[1] == {"code": "distance", "km": 0}
    with translation.override("nl"):
        assert found.reason_texts() == [
            "biedt groenonderhoud aan",
            "0 km",
            "maatwerkbedrijf",
            "geverifieerd",
        ]
    with translation.override("en"):
        assert found.reason_texts()[0] == "offers green maintenance"


def test_members_get_one_email_each_in_their_language(request_, committed):
    enterprise = enterprise_offering("3500")
    dutch = OwnerFactory(organisation=enterprise, user__language="nl").user
    french = OwnerFactory(organisation=enterprise, user__language="fr").user
    mail.outbox.clear()

    committed(matching.match, request_)

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted([dutch.email, french.email])
    dutch_mail, french_mail = by_address[dutch.email], by_address[french.email]
    assert request_.title in dutch_mail.subject
    assert "biedt groenonderhoud aan, " in dutch_mail.body  # the reasons as words, not a list
    assert f"{settings.SITE_URL}/requests/{request_.code}/" in dutch_mail.body
    assert f"{settings.SITE_URL}/fr/requests/{request_.code}/" in french_mail.body
    assert "service proposé : entretien des espaces verts" in french_mail.body


def test_running_again_adds_no_match_and_sends_no_second_email(request_, committed):
    enterprise = enterprise_offering("3500")
    OwnerFactory(organisation=enterprise)
    mail.outbox.clear()

    committed(matching.match, request_)
    committed(matching.match, request_)
    committed(match_opportunity, "request", request_.pk)

    assert Match.objects.for_opportunity(request_).count() == 1
    assert len(mail.outbox) == 1


def test_a_member_who_switched_matches_off_gets_nothing(request_, committed):
    enterprise = enterprise_offering("3500")
    wants = OwnerFactory(organisation=enterprise).user
    declined = OwnerFactory(organisation=enterprise).user
    NotificationPreference.objects.create(user=declined, kind="opportunity_match", frequency="off")
    mail.outbox.clear()

    committed(matching.match, request_)

    assert [message.to for message in mail.outbox] == [[wants.email]]


def test_publishing_matches_and_notifies(world, committed):
    enterprise = enterprise_offering("3500")
    member = OwnerFactory(organisation=enterprise).user
    draft = ServiceRequestFactory(organisation=world.employer, category=category())
    mail.outbox.clear()

    committed(lifecycle.publish, draft, by=world.owner)

    assert matched(draft) == [enterprise.pk]
    assert [message.to for message in mail.outbox] == [[member.email]]


def test_the_task_does_nothing_for_an_unpublished_opportunity(world):
    enterprise_offering("3500")
    draft = ServiceRequestFactory(organisation=world.employer, category=category())

    assert match_opportunity("request", draft.pk) == 0
    assert not Match.objects.exists()


def test_the_candidates_are_one_query(request_, vacancy, django_assert_num_queries):
    for code in ("3500", "3700", "8000"):
        enterprise = enterprise_offering(code, radius_km=None)
        enterprise.sectors.add(vacancy.sector)
        enterprise.recognitions.set(Recognition.objects.all()[:2])

    with django_assert_num_queries(1):
        assert len(matching.candidates(request_)) == 3
    with django_assert_num_queries(1):
        assert len(matching.candidates(vacancy)) == 2


def test_the_poster_sees_how_many_enterprises_were_told(client, world, request_):
    enterprise_offering("3500")
    enterprise_offering("3700")
    matching.match(request_)

    client.force_login(world.owner)
    page = client.get(f"/en/requests/{request_.code}/").content.decode()
    assert "2 social enterprises were told about this." in page

    client.force_login(world.stranger)
    page = client.get(f"/en/requests/{request_.code}/").content.decode()
    assert "were told about this" not in page


def test_a_publication_whose_matching_was_lost_is_matched_by_the_sweep(world, committed):
    from vacancies.tasks import match_unmatched_opportunities

    enterprise = enterprise_offering("3500")
    member = OwnerFactory(organisation=enterprise).user
    draft = ServiceRequestFactory(organisation=world.employer, category=category())
    # The world's other published opportunities were matched when they were published.
    for model in matching.KIND_NAMES:
        model.objects.update(matched_at=timezone.now())
    mail.outbox.clear()

    # Published, but the enqueued matching never ran (no commit callbacks: as with the broker
    # down); the row keeps an empty matched_at.
    lifecycle.publish(draft, by=world.owner)
    draft.refresh_from_db()
    assert draft.matched_at is None and matched(draft) == []

    committed(match_unmatched_opportunities)
    committed(match_unmatched_opportunities)

    draft.refresh_from_db()
    assert draft.matched_at is not None
    assert matched(draft) == [enterprise.pk]
    assert [message.to for message in mail.outbox] == [[member.email]]


def test_extending_asks_for_matching_again(world, committed):
    world.service_request.matched_at = timezone.now()
    world.service_request.save(update_fields=["matched_at"])
    world.service_request.status = "expired"
    world.service_request.save(update_fields=["status"])

    lifecycle.extend(
        world.service_request,
        closing_date=world.service_request.closing_date + timezone.timedelta(days=30),
        by=world.owner,
    )

    world.service_request.refresh_from_db()
    assert world.service_request.matched_at is None


def test_the_admin_lists_matches_with_their_reasons_read_only(client, request_):
    from tests.factories import StaffFactory

    enterprise_offering("3500")
    matching.match(request_)
    log_in_as(client, StaffFactory(is_superuser=True))

    page = client.get("/admin/vacancies/match/")
    match = Match.objects.get()
    change = client.post(f"/admin/vacancies/match/{match.pk}/change/", {"score": 1})

    assert page.status_code == 200
    assert "biedt groenonderhoud aan" in page.content.decode()
    assert change.status_code == 403
    match.refresh_from_db()
    assert match.score != 1
