"""Feature apps record collaborations through companies.collaborations.record: confirmed by the
event itself, once per pair, role, category, channel and source, and only between a regular
organisation and a social-economy enterprise."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from companies import collaborations
from companies.models import Collaboration
from portal.models import ServiceCategory
from tests.factories import OrganisationFactory, SocialEnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(reference_data):
    return (
        OrganisationFactory(name="Brouwerij Het Anker"),
        SocialEnterpriseFactory(name="Groenwerk Mechelen"),
    )


def category(slug="groenonderhoud"):
    return ServiceCategory.objects.get(slug=slug)


def record(regular, social, **changes):
    fields = {
        "regular": regular,
        "social": social,
        "role": "client",
        "category": category(),
        "started": date(2025, 3, 1),
        "channel": "service_request",
        "source": "service_request",
    }
    fields.update(changes)
    return collaborations.record(**fields)


def test_a_recorded_collaboration_is_confirmed_by_both_sides(pair):
    regular, social = pair

    collaboration = record(regular, social)

    assert collaboration.regular == regular
    assert collaboration.social == social
    assert collaboration.role == "client"
    assert collaboration.category == category()
    assert collaboration.started == date(2025, 3, 1)
    assert collaboration.channel == "service_request"
    assert collaboration.source == "service_request"
    assert collaboration.confirmed_by_regular_at is not None
    assert collaboration.confirmed_by_social_at is not None
    assert list(Collaboration.objects.confirmed()) == [collaboration]


def test_recording_the_same_again_adds_nothing(pair):
    regular, social = pair
    first = record(regular, social)

    again = record(regular, social, started=date(2025, 6, 1))

    assert again.pk == first.pk
    assert Collaboration.objects.count() == 1
    # The earlier start stays.
    assert Collaboration.objects.get().started == date(2025, 3, 1)


def test_an_earlier_start_moves_the_start_back(pair):
    regular, social = pair
    record(regular, social)

    record(regular, social, started=date(2024, 11, 15))

    assert Collaboration.objects.get().started == date(2024, 11, 15)


@pytest.mark.parametrize(
    "changes",
    [
        {"role": "supplier"},
        # Another start too: the same pair, role, category and start is one collaboration
        # whatever the channel (tests/companies/test_collaboration_register.py).
        {"channel": "voucher", "source": "voucher", "started": date(2025, 6, 1)},
        {"category": None},
    ],
    ids=["role", "channel-and-source", "category"],
)
def test_another_role_category_or_channel_is_another_collaboration(pair, changes):
    regular, social = pair
    record(regular, social)

    record(regular, social, **changes)

    assert Collaboration.objects.count() == 2


def test_after_a_collaboration_ended_working_together_again_is_a_new_one(pair):
    regular, social = pair
    ended = record(regular, social, started=date(2020, 1, 1))
    ended.ended = date(2021, 1, 1)
    ended.save()

    renewed = record(regular, social)

    assert renewed.pk != ended.pk
    assert Collaboration.objects.count() == 2


def test_the_social_side_must_be_a_social_enterprise(pair):
    regular, _social = pair

    with pytest.raises(ValidationError) as caught:
        record(regular, OrganisationFactory(name="Gewone Firma"))

    assert caught.value.code == "not_social"
    assert not Collaboration.objects.exists()


def test_the_regular_side_must_not_be_a_social_enterprise(pair):
    _regular, social = pair

    with pytest.raises(ValidationError) as caught:
        record(SocialEnterpriseFactory(name="Kringwinkel"), social)

    assert caught.value.code == "regular_is_social"
    assert not Collaboration.objects.exists()


def test_a_public_body_can_be_the_regular_side(pair):
    _regular, social = pair

    record(OrganisationFactory(kind="public", name="Stad Mechelen"), social)

    assert Collaboration.objects.count() == 1


def test_it_shows_on_both_profiles(client, pair):
    regular, social = pair
    record(regular, social)

    on_regular = client.get(f"/en/organisations/{regular.slug}/").content.decode()
    on_social = client.get(f"/en/organisations/{social.slug}/").content.decode()

    assert f'href="/en/organisations/{social.slug}/"' in on_regular
    assert f'href="/en/organisations/{regular.slug}/"' in on_social
    assert "Works together with" in on_regular
    assert "Works together with" in on_social
