"""A user finds an existing organisation and asks to join; an owner accepts or declines."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from companies.models import JoinRequest, Membership
from portal.models import Notification
from tests.factories import (
    JoinRequestFactory,
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    UserFactory,
)
from tests.vouchers.test_budget_race import run_together

pytestmark = pytest.mark.django_db

URL = "/en/organisations/join/"


@pytest.fixture
def seeker(world, client):
    user = UserFactory(name="Sam Seeker")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "query",
    ["groenwerk", "GROENWERK tongeren", "{number}", "BE{number}", "{dotted}", "{short}"],
)
def test_an_organisation_is_found_by_name_or_enterprise_number(client, world, seeker, query):
    number = world.organisation.enterprise_number
    query = query.format(
        number=number, dotted=world.organisation.enterprise_number_display, short=number[1:]
    )

    response = client.get(URL, {"q": query})

    assert [o.pk for o in response.context["results"]] == [world.organisation.pk]
    assert "Ask to join" in response.content.decode()


def test_nothing_found_says_so_and_offers_to_add_it(client, world, seeker):
    page = client.get(URL, {"q": "bestaat niet"}).content.decode()

    assert "We found no organisation" in page
    assert "/en/organisations/new/" in page


def ask(client, organisation, capture, message="Ik ben de nieuwe boekhouder."):
    with capture(execute=True):
        return client.post(
            f"{URL}?q=groen", {"organisation": organisation.slug, "message": message}
        )


def test_asking_to_join_writes_to_the_owners_only(
    client, world, seeker, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    response = ask(client, world.organisation, django_capture_on_commit_callbacks)

    assert response["Location"] == "/en/dashboard/"
    join_request = JoinRequest.objects.get(user=seeker)
    assert join_request.status == "pending"
    assert [message.to for message in mail.outbox] == [[world.owner.email]]
    assert "Ik ben de nieuwe boekhouder." in mail.outbox[0].body
    assert f"/organisations/{world.organisation.slug}/members/" in mail.outbox[0].body


def test_the_owners_read_the_request_in_their_language(
    client, world, seeker, django_capture_on_commit_callbacks
):
    world.owner.language = "fr"
    world.owner.save()

    ask(client, world.organisation, django_capture_on_commit_callbacks)

    assert f"/fr/organisations/{world.organisation.slug}/members/" in mail.outbox[-1].body


def test_asking_twice_makes_no_second_request(
    client, world, seeker, django_capture_on_commit_callbacks
):
    ask(client, world.organisation, django_capture_on_commit_callbacks)

    response = ask(client, world.organisation, django_capture_on_commit_callbacks)

    assert JoinRequest.objects.filter(user=seeker).count() == 1
    assert "You already asked to join" in response.content.decode()


def test_a_member_is_told_so(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.editor)

    response = ask(client, world.organisation, django_capture_on_commit_callbacks)

    assert not JoinRequest.objects.filter(user=world.editor).exists()
    assert "You are already a member" in response.content.decode()


def test_a_too_long_message_is_shown_again_with_an_error(
    client, world, seeker, django_capture_on_commit_callbacks
):
    response = ask(client, world.organisation, django_capture_on_commit_callbacks, "x" * 2001)

    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters" in response.content.decode()
    assert not JoinRequest.objects.filter(user=seeker).exists()


def test_an_unknown_organisation_is_not_found(client, world, seeker):
    response = client.post(URL, {"organisation": "bestaat-niet"})

    assert response.status_code == 404


def test_the_page_marks_where_one_is_a_member_or_has_asked(client, world, seeker):
    other = OrganisationFactory(name="Groenwerk Elders")
    JoinRequestFactory(user=seeker, organisation=other)
    client.force_login(world.editor)

    page = client.get(URL, {"q": "groenwerk"}).content.decode()
    client.force_login(seeker)
    page_seeker = client.get(URL, {"q": "groenwerk elders"}).content.decode()

    assert "You are a member" in page
    assert "You asked to join; an owner will decide" in page_seeker


def organisations(count):
    """Organisations with an owner each, all found by the search "groen"."""
    found = []
    for n in range(count):
        organisation = OrganisationFactory(name=f"Groen {n}")
        OwnerFactory(organisation=organisation)
        found.append(organisation)
    return found


def earlier(hours):
    """Move every request to join back by `hours`, as if made then."""
    JoinRequest.objects.update(created_at=timezone.now() - timedelta(hours=hours))


def test_a_user_who_asked_the_hours_number_is_refused_and_keeps_the_message(
    client, world, seeker, settings, django_capture_on_commit_callbacks
):
    settings.JOIN_REQUESTS_PER_HOUR = 2
    first, second, third = organisations(3)
    ask(client, first, django_capture_on_commit_callbacks)
    ask(client, second, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    response = ask(client, third, django_capture_on_commit_callbacks, "Mijn derde vraag.")

    assert response.status_code == 200
    page = response.content.decode()
    assert "You have asked to join 2 organisations in the last hour, the most we allow." in page
    assert "Mijn derde vraag.</textarea>" in page
    assert not JoinRequest.objects.filter(user=seeker, organisation=third).exists()
    assert not mail.outbox


def test_other_users_are_not_held_back_by_one_users_requests(
    client, world, seeker, settings, django_capture_on_commit_callbacks
):
    settings.JOIN_REQUESTS_PER_HOUR = 1
    first, second = organisations(2)
    ask(client, first, django_capture_on_commit_callbacks)
    client.force_login(UserFactory())

    response = ask(client, second, django_capture_on_commit_callbacks)

    assert response["Location"] == "/en/dashboard/"
    assert len(mail.outbox) == 2


def test_the_hours_allowance_comes_back_an_hour_later(
    client, world, seeker, settings, django_capture_on_commit_callbacks
):
    settings.JOIN_REQUESTS_PER_HOUR = 1
    first, second = organisations(2)
    ask(client, first, django_capture_on_commit_callbacks)
    earlier(hours=1.1)

    response = ask(client, second, django_capture_on_commit_callbacks)

    assert response["Location"] == "/en/dashboard/"
    assert JoinRequest.objects.filter(user=seeker).count() == 2


def test_a_user_who_asked_the_days_number_is_refused_until_the_next_day(
    client, world, seeker, settings, django_capture_on_commit_callbacks
):
    settings.JOIN_REQUESTS_PER_DAY = 2
    first, second, third = organisations(3)
    ask(client, first, django_capture_on_commit_callbacks)
    ask(client, second, django_capture_on_commit_callbacks)
    earlier(hours=3)

    refused = ask(client, third, django_capture_on_commit_callbacks)
    earlier(hours=24.1)
    next_day = ask(client, third, django_capture_on_commit_callbacks)

    assert "You have asked to join 2 organisations in the last 24 hours" in (
        refused.content.decode()
    )
    assert next_day["Location"] == "/en/dashboard/"
    assert len(mail.outbox) == 3


def test_after_a_decline_the_owners_are_asked_again_a_day_later_at_the_earliest(
    client, world, seeker, django_capture_on_commit_callbacks
):
    ask(client, world.organisation, django_capture_on_commit_callbacks)
    JoinRequest.objects.filter(user=seeker).update(status="declined")

    refused = ask(client, world.organisation, django_capture_on_commit_callbacks)
    earlier(hours=24.1)
    next_day = ask(client, world.organisation, django_capture_on_commit_callbacks)

    assert "You asked to join Groenwerk Tongeren less than a day ago." in (refused.content.decode())
    assert next_day["Location"] == "/en/dashboard/"
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "message",
    [
        "Free prizes at http://prizes.example/win",
        "Kijk op www.prijzen.example",
        "Win op prijzen.be/nu",
    ],
)
def test_a_message_with_a_web_address_is_refused_for_an_unvouched_user(
    client, world, seeker, message, django_capture_on_commit_callbacks
):
    response = ask(client, world.organisation, django_capture_on_commit_callbacks, message)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your request contains the web address" in page
    assert f"{message}</textarea>" in page
    assert not JoinRequest.objects.filter(user=seeker).exists()
    assert not mail.outbox


def test_a_name_with_a_web_address_is_refused_for_an_unvouched_user(
    client, world, seeker, django_capture_on_commit_callbacks
):
    seeker.name = "Prizes at prizes.example"
    seeker.save()

    response = ask(client, world.organisation, django_capture_on_commit_callbacks)

    assert "Your request contains the web address prizes.example" in response.content.decode()
    assert not mail.outbox


def test_an_email_address_in_the_message_is_no_link(
    client, world, seeker, django_capture_on_commit_callbacks
):
    message = "Mail me op sam.seeker@groenwerk.be."

    ask(client, world.organisation, django_capture_on_commit_callbacks, message)

    assert message in mail.outbox[0].body


@pytest.mark.parametrize("who", ["member_of_verified", "staff"])
def test_vouched_users_may_send_a_web_address(
    client, world, who, django_capture_on_commit_callbacks
):
    if who == "staff":
        user = world.regisseur
    else:
        user = MembershipFactory(organisation=OrganisationFactory(verified_at=timezone.now())).user
    client.force_login(user)

    response = ask(
        client, world.organisation, django_capture_on_commit_callbacks, "Zie www.groenwerk.be"
    )

    assert response["Location"] == "/en/dashboard/"
    assert "Zie www.groenwerk.be" in mail.outbox[0].body


def test_the_refusal_is_in_the_pages_language(
    client, world, seeker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/fr/organisations/join/?q=groen",
            {"organisation": world.organisation.slug, "message": "http://prizes.example"},
        )

    assert "Votre demande contient l’adresse web http://prizes.example" in (
        response.content.decode()
    )


def test_anonymous_visitors_cannot_ask(client, world, django_capture_on_commit_callbacks):
    response = ask(client, world.organisation, django_capture_on_commit_callbacks)

    assert response["Location"].startswith("/en/accounts/login/")
    assert not JoinRequest.objects.filter(
        organisation=world.organisation, message__contains="boekhouder"
    ).exists()
    assert not mail.outbox


def decide(client, world, join_request, decision, capture):
    with capture(execute=True):
        return client.post(
            f"/en/organisations/{world.organisation.slug}/join-requests/{join_request.pk}/decide/",
            {"decision": decision},
        )


def test_an_owner_accepts_and_the_requester_hears_it(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.owner)

    response = decide(
        client, world, world.join_request, "accept", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    world.join_request.refresh_from_db()
    assert (world.join_request.status, world.join_request.decided_by) == ("accepted", world.owner)
    membership = Membership.objects.get(user=world.join_request.user)
    assert (membership.organisation, membership.role) == (world.organisation, "editor")
    assert mail.outbox[-1].to == [world.join_request.user.email]
    # In the requester's language (Dutch by default).
    assert "werd aanvaard" in mail.outbox[-1].body


def test_an_owner_declines_and_the_requester_hears_it(
    client, world, django_capture_on_commit_callbacks
):
    world.join_request.user.language = "en"
    world.join_request.user.save()
    client.force_login(world.owner)

    decide(client, world, world.join_request, "decline", django_capture_on_commit_callbacks)

    world.join_request.refresh_from_db()
    assert world.join_request.status == "declined"
    assert not Membership.objects.filter(user=world.join_request.user).exists()
    assert "declined" in mail.outbox[-1].body


def test_a_request_is_decided_once(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.owner)
    decide(client, world, world.join_request, "decline", django_capture_on_commit_callbacks)

    response = decide(
        client, world, world.join_request, "accept", django_capture_on_commit_callbacks
    )

    assert "already answered" in client.get(response["Location"]).content.decode()
    assert not Membership.objects.filter(user=world.join_request.user).exists()


def test_a_decision_returns_to_a_safe_next_address_only(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.owner)
    path = (
        f"/en/organisations/{world.organisation.slug}/join-requests/{world.join_request.pk}/decide/"
    )
    other = JoinRequestFactory(organisation=world.organisation)

    with django_capture_on_commit_callbacks(execute=True):
        to_dashboard = client.post(path, {"decision": "accept", "next": "/en/dashboard/"})
        elsewhere = client.post(
            path.replace(str(world.join_request.pk), str(other.pk)),
            {"decision": "accept", "next": "https://evil.example/"},
        )

    assert to_dashboard["Location"] == "/en/dashboard/"
    assert elsewhere["Location"] == f"/en/organisations/{world.organisation.slug}/members/"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_requests_made_at_once_stay_within_the_allowance(settings):
    """Ten requests by one user to ten organisations at the same moment, each on its own
    connection."""
    call_command("load_reference_data", verbosity=0)  # a transactional test starts empty
    settings.JOIN_REQUESTS_PER_HOUR = 3
    targets = organisations(10)
    user = UserFactory()

    def post(index):
        client = Client()
        client.force_login(user)
        response = client.post(URL, {"organisation": targets[index].slug, "message": "Hallo"})
        return response.status_code

    outcomes = Counter(run_together(post, 10))

    assert outcomes == {302: 3, 200: 7}
    assert JoinRequest.objects.filter(user=user).count() == 3
    assert Notification.objects.filter(kind="join_request").count() == 3
