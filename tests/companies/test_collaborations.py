"""Feature apps record collaborations through companies.collaborations.record: confirmed by the
event itself, once per pair, role, category, channel and source, and only between a regular
organisation and a social-economy enterprise. Ending one tells the other side's members."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from companies import collaborations
from companies.models import Collaboration
from portal import notifications
from portal.models import Notification, ServiceCategory
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    UserFactory,
)

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


# --- Ending tells the other side ---------------------------------------------------------------


@pytest.fixture
def running(pair):
    """A collaboration the portal recorded between the pair, with members on both sides: on the
    firm's side one reading English; on the enterprise's side one reading Dutch, one French."""
    regular, social = pair
    return SimpleNamespace(
        collaboration=record(regular, social, started=date(2024, 3, 1)),
        regular=regular,
        social=social,
        firm_owner=OwnerFactory(organisation=regular, user__language="en").user,
        firm_editor=MembershipFactory(organisation=regular, user__language="en").user,
        dutch=OwnerFactory(organisation=social, user__language="nl").user,
        french=MembershipFactory(organisation=social, user__language="fr").user,
    )


def end_url(organisation, collaboration, prefix="/en"):
    return f"{prefix}/organisations/{organisation.slug}/collaborations/{collaboration.pk}/end/"


def ended_emails(**filters):
    return Notification.objects.filter(kind="collaboration", key__contains=":ended:", **filters)


def test_ending_emails_each_member_of_the_other_side_once_in_their_language(client, running):
    client.force_login(running.firm_editor)

    response = client.post(end_url(running.regular, running.collaboration), {"ended": "2025-06-30"})

    assert response.status_code == 302
    assert {row.recipient for row in ended_emails()} == {running.dutch, running.french}
    dutch = ended_emails(recipient=running.dutch).get()
    french = ended_emails(recipient=running.french).get()
    assert dutch.language == "nl"
    assert dutch.subject == "Brouwerij Het Anker heeft jullie samenwerking beëindigd"
    assert "beëindigd op 30 juni 2025" in dutch.body
    assert f"/organisations/{running.social.slug}/collaborations/" in dutch.body
    assert "Brouwerij Het Anker</strong>" in dutch.html
    assert french.language == "fr"
    assert french.subject == "Brouwerij Het Anker a mis fin à votre collaboration"
    assert "le 30 juin 2025" in french.body
    assert f"/fr/organisations/{running.social.slug}/collaborations/" in french.body

    # Delivered: one message per member of the other side, HTML and text; the end also asks
    # both sides to rate the collaboration (tests/companies/test_ratings.py).
    rating_asks = Notification.objects.filter(kind="collaboration_rating").count()
    assert rating_asks
    assert notifications.deliver() == (2 + rating_asks, 0)
    ended = [message for message in mail.outbox if "/collaborations/rate/" not in message.body]
    assert sorted(message.to[0] for message in ended) == sorted(
        [running.dutch.email, running.french.email]
    )
    assert all(message.alternatives for message in mail.outbox)


def test_the_side_that_ends_it_is_not_emailed(client, running):
    client.force_login(running.dutch)

    response = client.post(
        end_url(running.social, running.collaboration, ""), {"ended": "2025-06-30"}
    )

    assert response.status_code == 302

    told = ended_emails()
    assert {row.recipient for row in told} == {running.firm_owner, running.firm_editor}
    assert not told.filter(recipient__in=[running.dutch, running.french]).exists()
    assert told.get(recipient=running.firm_owner).subject == (
        "Groenwerk Mechelen ended your collaboration"
    )


def test_ending_twice_sends_nothing_more(client, running):
    client.force_login(running.firm_editor)
    client.post(end_url(running.regular, running.collaboration), {"ended": "2025-06-30"})
    client.force_login(running.french)

    again = client.post(
        end_url(running.social, running.collaboration), {"ended": "2025-07-31"}, follow=True
    )
    # The same event through the business logic again is refused too.
    with pytest.raises(ValidationError):
        collaborations.end(
            running.collaboration, organisation=running.regular, by=running.firm_owner
        )

    assert "already ended on 30 June 2025" in again.content.decode()
    assert ended_emails().count() == 2
    assert not ended_emails(recipient__in=[running.firm_owner, running.firm_editor]).exists()


def test_who_may_not_end_it_tells_nobody(client, running):
    stranger = UserFactory()
    third = OwnerFactory(organisation=SocialEnterpriseFactory(name="Kringwinkel Elders")).user
    url = end_url(running.regular, running.collaboration)

    assert client.post(url, {"ended": "2025-06-30"}).status_code == 302  # to log in
    for user in (stranger, third):
        client.force_login(user)
        assert client.post(url, {"ended": "2025-06-30"}).status_code == 404

    running.collaboration.refresh_from_db()
    assert running.collaboration.ended is None
    assert not ended_emails().exists()
