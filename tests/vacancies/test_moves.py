"""The poster moves each answer to in conversation, accepted or declined, with a message; the
enterprise hears of it by email. An accepted offer is a collaboration in the register, an
accepted candidate a doorstroom placement."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from companies.models import Collaboration
from tests.factories import (
    CandidateFactory,
    OfferFactory,
    OwnerFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
)
from vacancies import responses
from vacancies.models import Placement

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(world):
    return OfferFactory(service_request=world.service_request, enterprise=world.enterprise)


@pytest.fixture
def candidate(world):
    return CandidateFactory(vacancy=world.vacancy, enterprise=world.enterprise)


def move_url(response):
    if response.vacancy_id:
        return f"/en/vacancies/{response.vacancy.code}/responses/{response.pk}/move/"
    return f"/en/requests/{response.service_request.code}/responses/{response.pk}/move/"


def post_move(client, response, status, reply="Graag een gesprek volgende week."):
    prefix = f"response-{response.pk}"
    return client.post(move_url(response), {f"{prefix}-status": status, f"{prefix}-reply": reply})


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["in_conversation", "accepted"], True),
        (["in_conversation", "declined"], True),
        (["accepted"], True),
        (["declined"], True),
        (["in_conversation", "in_conversation"], False),
        (["accepted", "declined"], False),
        (["declined", "accepted"], False),
        (["accepted", "in_conversation"], False),
        (["declined", "in_conversation"], False),
    ],
)
def test_only_legal_moves_are_taken(world, candidate, path, allowed):
    *before, last = path
    for status in before:
        responses.move(candidate, status=status, reply="Stap", by=world.owner)

    if allowed:
        responses.move(candidate, status=last, reply="Laatste stap", by=world.owner)
        candidate.refresh_from_db()
        assert candidate.status == last
    else:
        with pytest.raises(ValidationError) as caught:
            responses.move(candidate, status=last, reply="Laatste stap", by=world.owner)
        assert caught.value.code == "illegal_move"
        candidate.refresh_from_db()
        assert candidate.status == before[-1]


def test_a_move_keeps_the_reply_and_dates_a_decision(world, candidate):
    responses.move(candidate, status="in_conversation", reply="Bel ons gerust", by=world.editor)
    candidate.refresh_from_db()
    assert candidate.reply == "Bel ons gerust"
    assert candidate.decided_at is None

    responses.move(candidate, status="declined", reply="Helaas, ingevuld", by=world.editor)
    candidate.refresh_from_db()
    assert candidate.reply == "Helaas, ingevuld"
    assert candidate.decided_at is not None


def test_a_move_needs_a_message(world, candidate):
    with pytest.raises(ValidationError) as caught:
        responses.move(candidate, status="accepted", reply="  ", by=world.owner)

    assert "reply" in caught.value.message_dict
    candidate.refresh_from_db()
    assert candidate.status == "new"


def test_only_the_posters_members_move(world, candidate):
    for user in [world.enterprise_member, world.stranger, world.regisseur, world.administrator]:
        with pytest.raises(PermissionDenied):
            responses.move(candidate, status="accepted", reply="Ja", by=user)
    candidate.refresh_from_db()
    assert candidate.status == "new"


def test_accepting_an_offer_records_a_collaboration(world, offer):
    responses.move(offer, status="accepted", reply="Afgesproken!", by=world.owner)

    collaboration = Collaboration.objects.get()
    assert collaboration.regular == world.employer
    assert collaboration.social == world.enterprise
    assert collaboration.role == "client"
    assert collaboration.category == world.service_request.category
    assert collaboration.channel == "service_request"
    assert collaboration.source == "service_request"
    assert collaboration.started == timezone.localdate()
    assert Collaboration.objects.confirmed().count() == 1


def test_another_accepted_offer_of_the_same_kind_is_the_same_collaboration(world, offer):
    responses.move(offer, status="accepted", reply="Afgesproken!", by=world.owner)
    second_request = ServiceRequestFactory(
        organisation=world.employer, status="published", category=world.service_request.category
    )
    second = OfferFactory(service_request=second_request, enterprise=world.enterprise)

    responses.move(second, status="accepted", reply="Opnieuw!", by=world.owner)

    assert Collaboration.objects.count() == 1


def test_declining_or_talking_records_nothing(world, offer, candidate):
    responses.move(offer, status="in_conversation", reply="Even bellen?", by=world.owner)
    responses.move(offer, status="declined", reply="Toch niet", by=world.owner)
    responses.move(candidate, status="declined", reply="Helaas", by=world.owner)

    assert not Collaboration.objects.exists()
    assert not Placement.objects.exists()


def test_an_offer_accepted_by_a_social_enterprise_is_no_collaboration_between_the_economies(
    world,
):
    requester = SocialEnterpriseFactory(name="Kringwinkel Haspengouw")
    member = OwnerFactory(organisation=requester).user
    request = ServiceRequestFactory(organisation=requester, status="published")
    offer = OfferFactory(service_request=request, enterprise=world.enterprise)

    responses.move(offer, status="accepted", reply="Top", by=member)

    offer.refresh_from_db()
    assert offer.status == "accepted"
    assert not Collaboration.objects.exists()


def test_accepting_a_candidate_records_a_doorstroom_placement(world, candidate):
    responses.move(candidate, status="accepted", reply="Welkom in het team!", by=world.owner)

    placement = Placement.objects.get()
    assert placement.response == candidate
    assert placement.vacancy == world.vacancy
    assert placement.employer == world.employer
    assert placement.enterprise == world.enterprise
    assert placement.placed_on == timezone.localdate()
    assert not Collaboration.objects.exists()


def moves():
    """The emails sent, without the asks to rate the collaboration an accepted offer records
    (companies/ratings.py)."""
    return [message for message in mail.outbox if "/collaborations/rate/" not in message.body]


def test_the_enterprises_members_get_the_state_and_the_message_in_their_language(
    world, offer, settings, committed
):
    settings.SITE_URL = "https://brugwerk.example"
    colleague = OwnerFactory(organisation=world.enterprise, user__language="en").user

    committed(
        responses.move, offer, status="accepted", reply="Afgesproken op 3 juni!", by=world.owner
    )

    assert sorted(message.to[0] for message in moves()) == sorted(
        [world.enterprise_member.email, colleague.email]
    )
    to_colleague = next(m for m in moves() if m.to == [colleague.email])
    assert to_colleague.subject == 'Your offer on "Catering personeelsfeest": Accepted'
    assert "Bakkerij Mergelland accepted the offer Groenwerk Tongeren made" in to_colleague.body
    assert "Afgesproken op 3 juni!" in to_colleague.body
    assert (
        f"https://brugwerk.example/en/requests/{world.service_request.code}/#respond"
        in to_colleague.body
    )
    to_member = next(m for m in mail.outbox if m.to == [world.enterprise_member.email])
    assert f"https://brugwerk.example/requests/{world.service_request.code}/#respond" in (
        to_member.body
    )


# --- Through the pages --------------------------------------------------------------------


def test_the_poster_sees_each_answer_with_a_form_to_move_it(client, world, offer, candidate):
    client.force_login(world.owner)

    on_request = client.get(f"/en/requests/{world.service_request.code}/").content.decode()
    on_vacancy = client.get(f"/en/vacancies/{world.vacancy.code}/").content.decode()

    assert offer.message in on_request
    assert offer.price_indication in on_request
    assert f'action="{move_url(offer)}"' in on_request
    assert f'name="response-{offer.pk}-reply"' in on_request
    assert candidate.skills in on_vacancy
    assert candidate.support_needed in on_vacancy
    assert f'action="{move_url(candidate)}"' in on_vacancy
    for status in ["in_conversation", "accepted", "declined"]:
        assert f'value="{status}"' in on_vacancy


def test_a_final_answer_offers_no_more_moves(client, world, candidate):
    responses.move(candidate, status="declined", reply="Helaas", by=world.owner)
    client.force_login(world.owner)

    html = client.get(f"/en/vacancies/{world.vacancy.code}/").content.decode()

    assert f'action="{move_url(candidate)}"' not in html
    assert "Declined" in html


def test_moving_through_the_page(client, world, offer, django_capture_on_commit_callbacks):
    client.force_login(world.editor)

    with django_capture_on_commit_callbacks(execute=True):
        answer = post_move(client, offer, "accepted", "Afgesproken!")

    assert answer.status_code == 302
    assert answer["Location"] == f"/en/requests/{world.service_request.code}/#responses"
    offer.refresh_from_db()
    assert offer.status == "accepted"
    assert offer.reply == "Afgesproken!"
    assert Collaboration.objects.count() == 1
    assert [message.to for message in moves()] == [[world.enterprise_member.email]]


def test_a_move_without_a_message_comes_back_with_the_error(client, world, offer):
    client.force_login(world.owner)

    page = post_move(client, offer, "declined", reply="")

    assert page.status_code == 200
    assert f'id="id_response-{offer.pk}-reply_error"' in page.content.decode()
    offer.refresh_from_db()
    assert offer.status == "new"


def test_an_illegal_move_through_the_page_says_why(client, world, offer):
    responses.move(offer, status="declined", reply="Helaas", by=world.owner)
    client.force_login(world.owner)

    page = post_move(client, offer, "accepted", reply="Toch wel")

    assert page.status_code == 200
    assert "This response was already declined; that is final." in page.content.decode()
    offer.refresh_from_db()
    assert offer.status == "declined"
    assert not Collaboration.objects.exists()


def test_the_move_page_shows_the_form(client, world, offer):
    client.force_login(world.owner)

    page = client.get(move_url(offer))

    assert page.status_code == 200
    assert f'name="response-{offer.pk}-status"' in page.content.decode()


def test_the_accepted_collaboration_shows_on_both_profiles(client, world, offer):
    responses.move(offer, status="accepted", reply="Afgesproken!", by=world.owner)

    on_employer = client.get(f"/en/organisations/{world.employer.slug}/").content.decode()
    on_enterprise = client.get(f"/en/organisations/{world.enterprise.slug}/").content.decode()

    assert f'href="/en/organisations/{world.enterprise.slug}/"' in on_employer
    assert f'href="/en/organisations/{world.employer.slug}/"' in on_enterprise
