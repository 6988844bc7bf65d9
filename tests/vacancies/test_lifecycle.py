"""Every step of an opportunity's life, and every step refused (vacancies/lifecycle.py).

Dates are passed as arguments (`today`), so that nothing here depends on the day it runs.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.models import Postcode, Sector, ServiceCategory
from tests.factories import MembershipFactory, ServiceRequestFactory, UserFactory, VacancyFactory
from vacancies import lifecycle
from vacancies.models import ServiceRequest, Status, Support, Vacancy

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + timedelta(days=n)


def refused(code):
    """Expect a ValidationError with this code."""
    return pytest.raises(ValidationError, check=lambda error: error.code == code)


# --- Creating and changing ---------------------------------------------------------------------


def vacancy_fields(**changes):
    return {
        "title": "Keukenhulp",
        "description": "Groenten snijden en afwassen in onze bedrijfskeuken.",
        "postcode": Postcode.objects.get(code="3500"),
        "contract_type": "fixed_term",
        "hours_per_week": 24,
        "sector": Sector.objects.get(code="I"),
        "start_date": None,
        "closing_date": days(20),
        "supports": list(Support.objects.filter(slug__in=["mentor", "geen-diploma"])),
        **changes,
    }


def test_a_member_creates_a_draft_vacancy_located_and_open_to_doorstroom(world):
    vacancy = lifecycle.create_vacancy(
        organisation=world.employer, by=world.editor, data=vacancy_fields()
    )

    vacancy.refresh_from_db()
    assert vacancy.status == Status.DRAFT
    assert vacancy.created_by == world.editor
    assert vacancy.municipality.name_nl == "Hasselt"
    assert vacancy.hours_band == "20-29"
    assert vacancy.open_to_doorstroom
    assert {s.slug for s in vacancy.supports.all()} == {"mentor", "geen-diploma"}
    # Indexed for the list pages: the sector's and the supports' names are searchable.
    assert "Mentor" in vacancy.search_text


def test_a_vacancy_without_supports_is_not_open_to_doorstroom(world):
    vacancy = lifecycle.create_vacancy(
        organisation=world.employer, by=world.owner, data=vacancy_fields(supports=[])
    )

    assert not Vacancy.objects.get(pk=vacancy.pk).open_to_doorstroom


def test_changing_the_supports_keeps_the_doorstroom_flag_in_step(world):
    vacancy = lifecycle.create_vacancy(
        organisation=world.employer, by=world.owner, data=vacancy_fields()
    )

    lifecycle.update(vacancy, by=world.owner, data={"supports": []})
    assert not Vacancy.objects.get(pk=vacancy.pk).open_to_doorstroom

    lifecycle.update(vacancy, by=world.owner, data={"supports": list(Support.objects.all()[:1])})
    assert Vacancy.objects.get(pk=vacancy.pk).open_to_doorstroom


def test_a_member_creates_a_draft_service_request(world):
    service_request = lifecycle.create_service_request(
        organisation=world.employer,
        by=world.owner,
        data={
            "title": "Verpakken van 5.000 geschenkdozen",
            "description": "Eindejaarsgeschenken inpakken.",
            "category": ServiceCategory.objects.get(slug="verpakking-assemblage"),
            "postcode": Postcode.objects.get(code="3700"),
            "period_start": days(30),
            "period_end": days(45),
            "volume": "5.000 dozen",
            "budget_band": "5k-25k",
            "closing_date": days(14),
        },
    )

    service_request.refresh_from_db()
    assert service_request.status == Status.DRAFT
    assert service_request.province.name_nl == "Limburg"
    assert "5.000 dozen" in service_request.search_text


def test_somebody_who_is_not_a_member_cannot_post_or_change(world):
    with pytest.raises(PermissionDenied):
        lifecycle.create_vacancy(
            organisation=world.employer, by=world.stranger, data=vacancy_fields()
        )
    with pytest.raises(PermissionDenied):
        lifecycle.update(world.vacancy, by=world.regisseur, data={"title": "Anders"})
    assert not Vacancy.objects.filter(title="Anders").exists()


def test_update_changes_the_fields_and_the_index(world):
    lifecycle.update(world.vacancy, by=world.editor, data={"title": "Hulpkok"})

    vacancy = Vacancy.objects.get(pk=world.vacancy.pk)
    assert vacancy.title == "Hulpkok"
    assert vacancy.status == Status.PUBLISHED


def test_a_closed_one_cannot_be_changed_before_it_is_reopened(world):
    lifecycle.close(world.vacancy, reason="filled", by=world.owner)

    with refused("closed"):
        lifecycle.update(world.vacancy, by=world.owner, data={"title": "Anders"})


def test_the_closing_date_of_a_published_one_moves_only_by_extending(world):
    with refused("closing_date_by_extending"):
        lifecycle.update(world.vacancy, by=world.owner, data={"closing_date": days(60)})

    lifecycle.update(world.draft_vacancy, by=world.owner, data={"closing_date": days(60)})
    assert Vacancy.objects.get(pk=world.draft_vacancy.pk).closing_date == days(60)


# --- Publishing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("attribute", ["draft_vacancy", "draft_request"])
def test_publishing_a_draft_makes_it_public(world, attribute):
    draft = getattr(world, attribute)

    lifecycle.publish(draft, by=world.editor, today=TODAY)

    fresh = type(draft).objects.get(pk=draft.pk)
    assert fresh.status == Status.PUBLISHED
    assert fresh.published_at is not None
    assert type(draft).objects.public().filter(pk=draft.pk).exists()
    assert draft.status == Status.PUBLISHED  # the caller's object follows


def test_a_draft_whose_closing_date_passed_is_not_published(world):
    with refused("closing_date_past"):
        lifecycle.publish(world.draft_vacancy, by=world.owner, today=days(22))

    assert Vacancy.objects.get(pk=world.draft_vacancy.pk).status == Status.DRAFT


def test_a_draft_closing_today_may_be_published(world):
    lifecycle.publish(world.draft_vacancy, by=world.owner, today=days(21))

    assert Vacancy.objects.get(pk=world.draft_vacancy.pk).status == Status.PUBLISHED


@pytest.mark.parametrize("status", ["published", "expired", "closed"])
def test_only_a_draft_is_published(world, status):
    vacancy = VacancyFactory(organisation=world.employer, status=status)

    with refused("not_draft"):
        lifecycle.publish(vacancy, by=world.owner)


def test_a_stranger_cannot_publish(world):
    with pytest.raises(PermissionDenied):
        lifecycle.publish(world.draft_vacancy, by=world.stranger)
    assert Vacancy.objects.get(pk=world.draft_vacancy.pk).status == Status.DRAFT


# --- Closing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["filled", "withdrawn"])
@pytest.mark.parametrize("status", ["published", "expired"])
def test_a_published_or_expired_one_is_closed_as_filled_or_withdrawn(world, status, reason):
    service_request = ServiceRequestFactory(organisation=world.employer, status=status)

    lifecycle.close(service_request, reason=reason, by=world.editor)

    fresh = ServiceRequest.objects.get(pk=service_request.pk)
    assert (fresh.status, fresh.closed_reason) == (Status.CLOSED, reason)
    assert fresh.closed_at is not None


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_a_draft_or_closed_one_is_not_closed(world, status):
    vacancy = VacancyFactory(organisation=world.employer, status=status)

    with refused("not_closable"):
        lifecycle.close(vacancy, reason="filled", by=world.owner)


def test_closing_needs_a_reason(world):
    with refused("reason_required"):
        lifecycle.close(world.vacancy, reason="bored", by=world.owner)
    assert Vacancy.objects.get(pk=world.vacancy.pk).status == Status.PUBLISHED


def test_a_stranger_cannot_close(world):
    with pytest.raises(PermissionDenied):
        lifecycle.close(world.vacancy, reason="withdrawn", by=world.enterprise_member)


# --- Extending and reopening -------------------------------------------------------------------


@pytest.mark.parametrize("status", ["published", "expired"])
def test_extending_gives_a_later_closing_date_and_publishes_again(world, status):
    vacancy = VacancyFactory(
        organisation=world.employer,
        status=status,
        closing_date=days(-2),
        expired_at=timezone.now() if status == "expired" else None,
    )

    lifecycle.extend(vacancy, closing_date=days(10), by=world.owner, today=TODAY)

    fresh = Vacancy.objects.get(pk=vacancy.pk)
    assert (fresh.status, fresh.closing_date, fresh.expired_at) == (
        Status.PUBLISHED,
        days(10),
        None,
    )


def test_extending_needs_a_date_after_the_current_one(world):
    with refused("not_later"):
        lifecycle.extend(
            world.vacancy, closing_date=world.vacancy.closing_date, by=world.owner, today=TODAY
        )


def test_extending_to_a_date_in_the_past_is_refused(world):
    expired = VacancyFactory(organisation=world.employer, status="expired", closing_date=days(-9))

    with refused("closing_date_past"):
        lifecycle.extend(expired, closing_date=days(-1), by=world.owner, today=TODAY)
    assert Vacancy.objects.get(pk=expired.pk).status == Status.EXPIRED


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_a_draft_or_closed_one_is_not_extended(world, status):
    vacancy = VacancyFactory(organisation=world.employer, status=status)

    with refused("not_extendable"):
        lifecycle.extend(vacancy, closing_date=days(60), by=world.owner)


def test_reopening_a_closed_one_publishes_it_with_a_new_closing_date(world):
    lifecycle.close(world.service_request, reason="filled", by=world.owner)
    first_published = ServiceRequest.objects.get(pk=world.service_request.pk).published_at

    lifecycle.reopen(world.service_request, closing_date=days(30), by=world.editor, today=TODAY)

    fresh = ServiceRequest.objects.get(pk=world.service_request.pk)
    assert (fresh.status, fresh.closing_date, fresh.closed_reason, fresh.closed_at) == (
        Status.PUBLISHED,
        days(30),
        "",
        None,
    )
    assert fresh.published_at == first_published


@pytest.mark.parametrize("status", ["draft", "published", "expired"])
def test_only_a_closed_one_is_reopened(world, status):
    vacancy = VacancyFactory(organisation=world.employer, status=status)

    with refused("not_closed"):
        lifecycle.reopen(vacancy, closing_date=days(60), by=world.owner)


def test_reopening_with_a_date_in_the_past_is_refused(world):
    closed = VacancyFactory(organisation=world.employer, status="closed", closed_reason="filled")

    with refused("closing_date_past"):
        lifecycle.reopen(closed, closing_date=days(-1), by=world.owner, today=TODAY)


def test_strangers_cannot_extend_or_reopen(world, other_world):
    with pytest.raises(PermissionDenied):
        lifecycle.extend(world.vacancy, closing_date=days(60), by=other_world.owner)
    closed = VacancyFactory(organisation=world.employer, status="closed")
    with pytest.raises(PermissionDenied):
        lifecycle.reopen(closed, closing_date=days(60), by=world.regisseur)


def test_a_refusal_says_why_in_the_users_language(world):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        lifecycle.publish(world.vacancy, by=world.owner)

    assert refusal.value.messages == ["Only a draft can be published; this one is published."]


# --- Expiring ------------------------------------------------------------------------------------


def test_expire_due_marks_what_closed_before_today_and_nothing_twice(world):
    due = VacancyFactory(organisation=world.employer, status="published", closing_date=days(-1))
    due_request = ServiceRequestFactory(
        organisation=world.employer, status="published", closing_date=days(-5)
    )
    closes_today = VacancyFactory(
        organisation=world.employer, status="published", closing_date=TODAY
    )
    old_draft = VacancyFactory(organisation=world.employer, status="draft", closing_date=days(-3))

    assert lifecycle.expire_due(TODAY) == 2
    assert lifecycle.expire_due(TODAY) == 0

    assert Vacancy.objects.get(pk=due.pk).status == Status.EXPIRED
    assert Vacancy.objects.get(pk=due.pk).expired_at is not None
    assert ServiceRequest.objects.get(pk=due_request.pk).status == Status.EXPIRED
    assert Vacancy.objects.get(pk=closes_today.pk).status == Status.PUBLISHED
    assert Vacancy.objects.get(pk=old_draft.pk).status == Status.DRAFT
    # Expired, not deleted: still public.
    assert Vacancy.objects.public().filter(pk=due.pk).exists()


# --- Reminding -----------------------------------------------------------------------------------


def test_members_are_reminded_once_per_closing_date_in_their_language(world, settings, committed):
    settings.SITE_URL = "https://brugwerk.example"
    french = MembershipFactory(organisation=world.employer, user__language="fr").user
    VacancyFactory(organisation=world.employer, status="published", closing_date=days(3))

    assert committed(lifecycle.remind_expiring, TODAY, days=3) == 1
    assert committed(lifecycle.remind_expiring, TODAY, days=3) == 0
    assert committed(lifecycle.remind_expiring, days(1), days=3) == 0

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([world.owner.email, world.editor.email, french.email])
    to_french = next(m for m in mail.outbox if m.to == [french.email])
    assert "https://brugwerk.example/fr/vacancies/" in to_french.body
    to_dutch = next(m for m in mail.outbox if m.to == [world.owner.email])
    assert "https://brugwerk.example/vacancies/" in to_dutch.body
    assert to_dutch.alternatives  # and an HTML part


def test_what_closes_later_or_is_not_published_is_not_reminded_of(world, committed):
    VacancyFactory(organisation=world.employer, status="published", closing_date=days(4))
    VacancyFactory(organisation=world.employer, status="draft", closing_date=days(1))
    ServiceRequestFactory(organisation=world.employer, status="expired", closing_date=days(-1))

    assert committed(lifecycle.remind_expiring, TODAY, days=3) == 0
    assert mail.outbox == []


def test_an_extended_one_gets_a_new_reminder(world, committed):
    vacancy = VacancyFactory(organisation=world.employer, status="published", closing_date=days(2))
    committed(lifecycle.remind_expiring, TODAY)
    sent = len(mail.outbox)

    lifecycle.extend(vacancy, closing_date=days(40), by=world.owner, today=TODAY)
    assert committed(lifecycle.remind_expiring, TODAY) == 0
    assert committed(lifecycle.remind_expiring, days(38)) == 1

    assert len(mail.outbox) == 2 * sent
    assert Vacancy.objects.get(pk=vacancy.pk).reminder_sent_for == days(40)


def test_inactive_members_are_not_reminded(world, committed):
    inactive = UserFactory(is_active=False)
    MembershipFactory(organisation=world.employer, user=inactive)
    ServiceRequestFactory(organisation=world.employer, status="published", closing_date=TODAY)

    committed(lifecycle.remind_expiring, TODAY)

    assert inactive.email not in {address for m in mail.outbox for address in m.to}
