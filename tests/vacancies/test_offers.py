"""A social enterprise makes one offer on a published service request; the requester's members
hear of it by email."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tests.factories import OfferFactory, ServiceRequestFactory
from vacancies import responses
from vacancies.models import Response

pytestmark = pytest.mark.django_db


def offer_data(**changes):
    data = {
        "message": "Wij verzorgen het buffet met onze keukenploeg van zes.",
        "availability": "Elke vrijdag in juni.",
        "price_indication": "EUR 25 per persoon",
    }
    data.update(changes)
    return data


def url(service_request):
    return f"/en/requests/{service_request.code}/offer/"


def detail(service_request):
    return f"/en/requests/{service_request.code}/"


def test_a_social_enterprise_makes_an_offer(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.enterprise_member)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url(world.service_request), offer_data())

    assert answer.status_code == 302
    assert answer["Location"] == f"{detail(world.service_request)}#respond"
    offer = Response.objects.get()
    assert offer.service_request == world.service_request
    assert offer.vacancy is None
    assert offer.enterprise == world.enterprise
    assert offer.price_indication == "EUR 25 per persoon"
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [world.owner.email, world.editor.email]
    )
    for message in mail.outbox:
        assert "Groenwerk Tongeren" in message.subject
        assert "Catering personeelsfeest" in message.subject
    assert f"/requests/{world.service_request.code}/#responses" in mail.outbox[0].body


def test_the_price_indication_is_optional(client, world):
    client.force_login(world.enterprise_member)

    client.post(url(world.service_request), offer_data(price_indication=""))

    assert Response.objects.get().price_indication == ""


def test_an_offer_needs_a_message_and_the_availability(client, world):
    client.force_login(world.enterprise_member)

    page = client.post(url(world.service_request), offer_data(message="", availability=""))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="respond_message_error"' in html
    assert 'id="respond_availability_error"' in html
    assert "EUR 25 per persoon" in html
    assert not Response.objects.exists()


def test_the_detail_page_shows_the_offer_and_its_state_instead_of_the_form(client, world):
    OfferFactory(
        service_request=world.service_request,
        enterprise=world.enterprise,
        message="Buffet voor 80 personen",
        status="in_conversation",
        reply="Kunnen we bellen volgende week?",
    )
    client.force_login(world.enterprise_member)

    html = client.get(detail(world.service_request)).content.decode()

    assert f'action="{url(world.service_request)}"' not in html
    assert "Buffet voor 80 personen" in html
    assert "In conversation" in html
    assert "Kunnen we bellen volgende week?" in html


def test_a_second_offer_gets_a_clear_message(client, world):
    OfferFactory(service_request=world.service_request, enterprise=world.enterprise)
    client.force_login(world.enterprise_member)

    page = client.post(url(world.service_request), offer_data())

    assert page.status_code == 200
    assert "Groenwerk Tongeren already made an offer on this request." in page.content.decode()
    assert Response.objects.count() == 1


def test_a_second_offer_at_the_same_moment_is_stopped_by_the_database(world, monkeypatch):
    OfferFactory(service_request=world.service_request, enterprise=world.enterprise)
    # As if two requests passed the check together: the unique constraint decides.
    monkeypatch.setattr(responses, "already_offered", lambda *args: False)

    with pytest.raises(ValidationError) as caught:
        responses.offer(
            world.service_request,
            enterprise=world.enterprise,
            by=world.enterprise_member,
            data=offer_data(),
        )

    assert caught.value.code == "already_offered"
    assert Response.objects.count() == 1


def test_other_enterprises_can_still_offer(client, world):
    from tests.factories import OwnerFactory, SocialEnterpriseFactory

    OfferFactory(service_request=world.service_request, enterprise=world.enterprise)
    other = OwnerFactory(organisation=SocialEnterpriseFactory(name="Traiteur Solidair")).user
    client.force_login(other)

    client.post(url(world.service_request), offer_data())

    assert Response.objects.filter(service_request=world.service_request).count() == 2


@pytest.mark.parametrize("status", ["expired", "closed"])
def test_only_a_published_request_takes_offers(client, world, status):
    service_request = ServiceRequestFactory(organisation=world.employer, status=status)
    client.force_login(world.enterprise_member)

    page = client.post(url(service_request), offer_data())

    assert "It takes no more answers." in page.content.decode()
    assert not Response.objects.exists()
    with pytest.raises(ValidationError):
        responses.offer(
            service_request,
            enterprise=world.enterprise,
            by=world.enterprise_member,
            data=offer_data(),
        )
