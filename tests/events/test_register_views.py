"""Registering and one's registration as pages: who may (anonymous, stranger, member, member of
another organisation, regisseur of the region and of another one, administrator), what a refusal
says, and that the steps happen (events/registration.py does the rules, test_registration.py
tests them)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Registration, RegistrationStatus
from tests.factories import EventFactory, RegistrationFactory, log_in_with_second_factor

S = RegistrationStatus


def url(event, suffix):
    return f"/en/events/{event.slug}/{suffix}/"


def form(world, **changes):
    return {
        "organisation": world.firm.slug,
        "person_1_name": "Erik Employer",
        "person_1_email": world.employer.email,
        "person_2_name": "",
        "person_2_email": "",
        "offers": "Drukwerk",
        "seeks": "Groenonderhoud",
        "listed": "on",
        **changes,
    }


def log_in(client, world, role):
    user = getattr(world, role)
    if role in {"regisseur", "other_regisseur", "administrator"}:
        log_in_with_second_factor(client, user)
    else:
        client.force_login(user)


# Who may register the firm: its member. Everyone else is refused, and nothing is written.
REGISTER = [
    ("stranger", 403),
    ("social_member", 200),  # a member of another organisation: the form, with the refusal
    ("regisseur", 403),
    ("other_regisseur", 403),
    ("administrator", 403),
]


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for suffix in ("register", "registration"):
        for method in (client.get, client.post):
            response = method(url(world.event, suffix))
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Registration.objects.exists()


def test_a_member_registers_the_firm(client, world):
    client.force_login(world.employer)

    assert client.get(url(world.event, "register")).status_code == 200
    response = client.post(url(world.event, "register"), form(world), follow=True)

    registration = Registration.objects.get()
    assert registration.organisation == world.firm and registration.status == S.REGISTERED
    assert "Drukkerij Peeters is registered" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("/registration/?organisation=" + world.firm.slug)


@pytest.mark.parametrize("role, status", REGISTER)
def test_nobody_else_registers_the_firm(client, world, role, status):
    log_in(client, world, role)

    response = client.post(url(world.event, "register"), form(world))

    assert response.status_code == status
    assert not Registration.objects.exists()
    if role == "social_member":
        assert "Select a valid choice" in response.content.decode()


def test_an_empty_post_says_what_is_missing(client, world):
    client.force_login(world.employer)
    response = client.post(url(world.event, "register"), {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Registration.objects.exists()


def test_twice_and_after_the_deadline_are_refused_with_the_message(client, world):
    client.force_login(world.employer)
    client.post(url(world.event, "register"), form(world))
    html = client.post(url(world.event, "register"), form(world)).content.decode()
    assert "Drukkerij Peeters is registered for this event already." in html

    closed = EventFactory(registration_deadline=timezone.now() - timedelta(minutes=1))
    response = client.get(url(closed, "register"))
    assert response.status_code == 403 and "Registration closed on" in response.content.decode()
    response = client.post(url(closed, "register"), form(world))
    assert "Registration closed on" in response.content.decode()
    assert not Registration.objects.filter(event=closed).exists()


def test_a_full_event_puts_the_registration_on_the_waiting_list(client, world):
    full = EventFactory(capacity=1)
    RegistrationFactory(event=full)
    client.force_login(world.employer)
    html = client.post(url(full, "register"), form(world), follow=True).content.decode()
    assert "number 1 on the waiting list" in html
    assert Registration.objects.get(organisation=world.firm).status == S.WAITING


def test_an_unknown_or_unpublished_event_is_not_found(client, world):
    client.force_login(world.employer)
    assert client.get("/en/events/nergens/register/").status_code == 404
    hidden = EventFactory(published=False)
    assert client.post(url(hidden, "register"), form(world)).status_code == 404


# --- One's registration --------------------------------------------------------------------------


@pytest.fixture
def registered(world):
    return RegistrationFactory(event=world.event, organisation=world.firm, listed=False)


@pytest.mark.parametrize(
    "role", ["stranger", "social_member", "regisseur", "other_regisseur", "administrator"]
)
def test_nobody_else_sees_changes_or_cancels_the_registration(client, world, registered, role):
    log_in(client, world, role)

    assert client.get(url(world.event, "registration")).status_code == 404
    assert client.post(url(world.event, "registration"), {"cancel": "1"}).status_code == 404
    assert client.post(url(world.event, "registration"), form(world)).status_code == 404
    registered.refresh_from_db()
    assert registered.status == S.REGISTERED and not registered.listed


def test_a_member_changes_the_registration(client, world, registered):
    client.force_login(world.employer)
    assert client.get(url(world.event, "registration")).status_code == 200

    response = client.post(url(world.event, "registration"), form(world, offers="Nieuw aanbod"))

    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.offers == "Nieuw aanbod" and registered.listed
    assert list(registered.attendees.values_list("email", flat=True)) == [world.employer.email]


def test_an_empty_change_says_what_is_missing(client, world, registered):
    client.force_login(world.employer)
    response = client.post(url(world.event, "registration"), {})
    assert response.status_code == 200 and "This field is required" in response.content.decode()


def test_a_member_cancels_and_the_first_waiting_moves_up(client, world):
    full = EventFactory(capacity=1)
    mine = RegistrationFactory(event=full, organisation=world.firm)
    waiting = RegistrationFactory(event=full, status=S.WAITING)
    client.force_login(world.employer)

    response = client.post(url(full, "registration"), {"cancel": "1"}, follow=True)

    assert "The registration of Drukkerij Peeters is cancelled." in response.content.decode()
    assert Registration.objects.get(pk=mine.pk).status == S.CANCELLED
    assert Registration.objects.get(pk=waiting.pk).status == S.REGISTERED


def test_after_the_deadline_the_page_shows_no_form_and_a_cancel_is_refused(client, world):
    event = EventFactory(registration_deadline=timezone.now() + timedelta(hours=1))
    registration = RegistrationFactory(event=event, organisation=world.firm)
    event.registration_deadline = timezone.now() - timedelta(minutes=1)
    event.save()
    client.force_login(world.employer)

    html = client.get(url(event, "registration")).content.decode()
    response = client.post(url(event, "registration"), {"cancel": "1"}, follow=True)

    assert "Cancel the registration" not in html and "Registration closed on" in html
    assert "can be cancelled until" in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == S.REGISTERED
