"""After accepting an offer (or a candidate), the poster is asked whether the request (or the
vacancy) is now filled, and closes it as filled in one step (issue 18, item 9). The step is the
manage panel's close: the same people may take it, and it does what a close does."""

import re

import pytest
from django.core import mail

from tests.factories import CandidateFactory, OfferFactory
from vacancies.models import Response

pytestmark = pytest.mark.django_db

PROMPT = 'id="close-prompt"'


@pytest.fixture
def offer(world):
    return OfferFactory(service_request=world.service_request, enterprise=world.enterprise)


@pytest.fixture
def candidate(world):
    return CandidateFactory(vacancy=world.vacancy, enterprise=world.enterprise)


def base(response):
    if response.vacancy_id:
        return f"/en/vacancies/{response.vacancy.code}/"
    return f"/en/requests/{response.service_request.code}/"


def accept(client, response):
    prefix = f"response-{response.pk}"
    answer = client.post(
        f"{base(response)}responses/{response.pk}/move/",
        {f"{prefix}-status": "accepted", f"{prefix}-reply": "Afgesproken!"},
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"{base(response)}#responses"
    return client.get(answer["Location"]).content.decode()


def prompt(html):
    found = re.search(r'<form class="alert alert--info close-prompt".*?</form>', html, re.DOTALL)
    return found.group() if found else None


def test_accepting_an_offer_asks_whether_the_request_is_filled(client, world, offer):
    client.force_login(world.owner)

    html = accept(client, offer)

    form = prompt(html)
    assert "Is this request now filled?" in form
    assert "You accepted the offer of Groenwerk Tongeren." in form
    assert f'action="/en/requests/{world.service_request.code}/close/"' in form
    assert '<input type="hidden" name="reason" value="filled">' in form
    # It sits at the top of the answers, where the accepting page lands.
    assert html.index('id="responses"') < html.index(PROMPT) < html.index("response-list")


def test_accepting_a_candidate_asks_whether_the_vacancy_is_filled(client, world, candidate):
    client.force_login(world.editor)

    form = prompt(accept(client, candidate))

    assert "Is this vacancy now filled?" in form
    assert "If no more positions are open, close the vacancy" in form
    assert f'action="/en/vacancies/{world.vacancy.code}/close/"' in form


def test_one_post_closes_the_request_as_filled(client, world, offer):
    client.force_login(world.owner)
    accept(client, offer)
    mail.outbox.clear()

    answer = client.post(f"/en/requests/{world.service_request.code}/close/", {"reason": "filled"})

    assert answer.status_code == 302
    world.service_request.refresh_from_db()
    assert (world.service_request.status, world.service_request.closed_reason) == (
        "closed",
        "filled",
    )
    assert world.service_request.closed_at is not None
    html = client.get(answer["Location"]).content.decode()
    assert "Filled on" in html
    assert PROMPT not in html  # closed: nothing left to ask
    # As a close from the manage panel: no email to anyone.
    assert mail.outbox == []


def test_closing_the_vacancy_as_filled_anonymises_its_candidates(client, world, candidate):
    client.force_login(world.owner)
    accept(client, candidate)

    client.post(f"/en/vacancies/{world.vacancy.code}/close/", {"reason": "filled"})

    world.vacancy.refresh_from_db()
    assert (world.vacancy.status, world.vacancy.closed_reason) == ("closed", "filled")
    candidate.refresh_from_db()
    assert candidate.status == "accepted"
    assert candidate.skills == ""  # as any close of a vacancy (vacancies/privacy.py)


def test_no_prompt_before_an_answer_is_accepted(client, world, offer):
    client.force_login(world.owner)

    html = client.get(base(offer)).content.decode()

    assert 'id="responses"' in html
    assert PROMPT not in html


def test_no_prompt_once_declined(client, world, offer):
    client.force_login(world.owner)
    prefix = f"response-{offer.pk}"
    client.post(
        f"{base(offer)}responses/{offer.pk}/move/",
        {f"{prefix}-status": "declined", f"{prefix}-reply": "Helaas."},
    )

    assert PROMPT not in client.get(base(offer)).content.decode()


def test_an_expired_request_with_an_accepted_offer_is_asked_too(client, world, offer):
    offer.status = "accepted"
    offer.save()
    world.service_request.status = "expired"
    world.service_request.save()
    client.force_login(world.owner)

    assert PROMPT in client.get(base(offer)).content.decode()


@pytest.mark.parametrize("who", ["enterprise_member", "stranger", "regisseur"])
def test_others_see_no_prompt_and_cannot_close(client, world, offer, who):
    offer.status = "accepted"
    offer.save()
    client.force_login(getattr(world, who))

    assert PROMPT not in client.get(base(offer)).content.decode()
    answer = client.post(f"{base(offer)}close/", {"reason": "filled"})

    assert answer.status_code == 404
    world.service_request.refresh_from_db()
    assert world.service_request.status == "published"
    assert Response.objects.get().status == "accepted"


def test_a_visitor_cannot_close(client, world, offer):
    answer = client.post(f"{base(offer)}close/", {"reason": "filled"})

    assert answer.status_code == 302
    assert answer["Location"].startswith("/en/accounts/login/")
    world.service_request.refresh_from_db()
    assert world.service_request.status == "published"
