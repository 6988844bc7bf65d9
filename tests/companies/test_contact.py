"""Logged-in users write to an organisation; its members get the message by email."""

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def url(organisation):
    return f"/en/organisations/{organisation.slug}/contact/"


def send(client, organisation, capture, **changes):
    data = {"subject": "Offerte groenonderhoud", "message": "Kunnen jullie ons terrein maaien?"}
    data.update(changes)
    with capture(execute=True):
        return client.post(url(organisation), data)


def test_every_member_gets_the_message_with_reply_to_the_sender(
    client, world, django_capture_on_commit_callbacks
):
    world.owner.language = "fr"
    world.owner.save()
    client.force_login(world.stranger)

    response = send(client, world.organisation, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.owner.email, world.editor.email, world.colleague.user.email]
    )
    for message in mail.outbox:
        assert len(message.to) == 1
        assert message.extra_headers["Reply-To"] == world.stranger.email
        assert "Offerte groenonderhoud" in message.subject
        assert "Kunnen jullie ons terrein maaien?" in message.body
        assert world.stranger.email not in message.body
        assert world.stranger.email not in message.alternatives[0][0]
    to_owner = next(m for m in mail.outbox if m.to == [world.owner.email])
    assert 'lang="fr"' in to_owner.alternatives[0][0]


def test_the_sender_returns_to_the_profile(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.stranger)

    response = send(
        client,
        world.organisation,
        django_capture_on_commit_callbacks,
        next=f"/en/organisations/{world.organisation.slug}/",
    )
    unsafe = send(
        client, world.organisation, django_capture_on_commit_callbacks, next="//evil.example/"
    )

    assert response["Location"] == f"/en/organisations/{world.organisation.slug}/"
    assert unsafe["Location"] == f"/en/organisations/{world.organisation.slug}/"


def test_the_members_learn_which_organisation_writes(
    client, world, other_world, django_capture_on_commit_callbacks
):
    client.force_login(other_world.owner)

    send(client, world.organisation, django_capture_on_commit_callbacks)

    assert other_world.organisation.name in mail.outbox[0].body


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    response = client.post(url(world.organisation), {"subject": "Hallo", "message": "Hallo daar!"})

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert not mail.outbox


def test_a_member_cannot_write_to_their_own_organisation(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.editor)

    response = send(client, world.organisation, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "This is your own organisation" in response.content.decode()
    assert not mail.outbox


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subject", "", "This field is required."),
        ("subject", "x" * 151, "at most 150 characters"),
        ("message", "Kort", "at least 10 characters"),
        ("message", "x" * 4001, "at most 4000 characters"),
    ],
)
def test_lengths_are_checked_and_the_input_is_kept(
    client, world, django_capture_on_commit_callbacks, field, value, message
):
    client.force_login(world.stranger)

    response = send(
        client, world.organisation, django_capture_on_commit_callbacks, **{field: value}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Kunnen jullie ons terrein maaien?" in page or "Offerte groenonderhoud" in page
    assert not mail.outbox


def test_a_sender_may_write_five_messages_an_hour(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.stranger)
    for _ in range(5):
        assert (
            send(client, world.organisation, django_capture_on_commit_callbacks).status_code == 302
        )
    sent = len(mail.outbox)

    response = send(client, world.organisation, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "You have sent 5 messages in the last hour" in response.content.decode()
    assert "Kunnen jullie ons terrein maaien?" in response.content.decode()
    assert len(mail.outbox) == sent


def test_the_limit_counts_per_sender(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.stranger)
    for _ in range(5):
        send(client, world.organisation, django_capture_on_commit_callbacks)
    client.force_login(world.regisseur)

    response = send(client, world.organisation, django_capture_on_commit_callbacks)

    assert response.status_code == 302


def test_the_contact_page_shows_the_form(client, world):
    client.force_login(world.stranger)

    page = client.get(url(world.organisation)).content.decode()

    assert f"Contact {world.organisation.name}" in page
    assert 'id="contact_subject"' in page
    assert 'aria-describedby="contact_message_helptext"' in page


def test_the_form_on_the_profile_posts_to_the_contact_view(client, world):
    client.force_login(world.stranger)

    page = client.get(f"/en/organisations/{world.organisation.slug}/").content.decode()

    assert f'action="/en/organisations/{world.organisation.slug}/contact/"' in page
    assert f'name="next" value="/en/organisations/{world.organisation.slug}/"' in page


def test_members_see_no_form_on_their_own_profile(client, world):
    client.force_login(world.editor)

    page = client.get(f"/en/organisations/{world.organisation.slug}/").content.decode()

    assert 'id="contact_subject"' not in page


def test_an_organisation_without_members_cannot_be_written_to(
    client, world, other_world, django_capture_on_commit_callbacks
):
    other_world.organisation.memberships.all().delete()
    client.force_login(world.stranger)

    response = send(client, other_world.organisation, django_capture_on_commit_callbacks)

    assert "has no members on the portal yet" in response.content.decode()
    assert MembershipFactory._meta.model.objects.filter(user=world.stranger).count() == 0


def test_the_rule_holds_outside_the_view_too(world):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from companies.contact import send_contact_message

    with translation.override("en"), pytest.raises(ValidationError, match="cannot write to it"):
        send_contact_message(
            world.organisation, sender=world.owner, subject="Hallo", message="Aan onszelf."
        )


def test_a_message_with_a_web_address_is_refused_for_an_unvouched_sender_and_kept(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.stranger)

    response = send(
        client,
        world.organisation,
        django_capture_on_commit_callbacks,
        message="Free prizes at http://prizes.example/win",
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your message contains the web address http://prizes.example/win" in page
    assert "Free prizes at http://prizes.example/win</textarea>" in page
    assert not mail.outbox


def test_a_member_of_a_verified_organisation_may_send_a_web_address(
    client, world, other_world, django_capture_on_commit_callbacks
):
    other_world.organisation.verified_at = timezone.now()
    other_world.organisation.save()
    client.force_login(other_world.owner)

    response = send(
        client, world.organisation, django_capture_on_commit_callbacks, message="Zie www.ons.be"
    )

    assert response.status_code == 302
    assert "Zie www.ons.be" in mail.outbox[0].body


def test_a_web_address_and_a_too_short_subject_are_reported_in_one_round(
    client, world, django_capture_on_commit_callbacks
):
    """Issue 18, item 1: the rule on web addresses is checked with the fields, not after them."""
    client.force_login(world.stranger)

    response = send(
        client,
        world.organisation,
        django_capture_on_commit_callbacks,
        subject="Hi",
        message="Free prizes at http://prizes.example/win",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at least 3 characters" in page
    assert "Your message contains the web address http://prizes.example/win" in page
    assert "Free prizes at http://prizes.example/win</textarea>" in page
    assert not mail.outbox
