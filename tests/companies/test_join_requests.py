"""A user finds an existing organisation and asks to join; an owner accepts or declines."""

import pytest
from django.core import mail

from companies.models import JoinRequest, Membership
from tests.factories import JoinRequestFactory, OrganisationFactory, UserFactory

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
    page = client.get(response["Location"]).content.decode()
    assert "You already asked to join" in page


def test_a_member_is_told_so(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.editor)

    response = ask(client, world.organisation, django_capture_on_commit_callbacks)

    assert not JoinRequest.objects.filter(user=world.editor).exists()
    assert "You are already a member" in client.get(response["Location"]).content.decode()


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
