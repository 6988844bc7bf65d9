"""Accounts through django-allauth: email login, verification, reset, email change, admin."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from portal.models import User
from tests.factories import PASSWORD, StaffFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db


def link_in(message):
    return re.search(r"https?://[^\s]+", message.body).group(0)


def sign_up(client, capture, email="nieuw@example.be", prefix=""):
    with capture(execute=True):
        return client.post(
            f"{prefix}/accounts/signup/",
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )


def test_sign_up_by_email_sends_a_verification_link(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="nieuw@example.be")
    assert user.language == "nl"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nieuw@example.be"]
    assert "/accounts/confirm-email/" in link_in(mail.outbox[0])
    # The portal's name, where allauth's text has the site's (issue 15: "Hallo van !").
    assert mail.outbox[0].subject.startswith("[Brugwerk] ")
    assert "Hallo van Brugwerk!" in mail.outbox[0].body
    assert "Bedankt voor het gebruiken van Brugwerk!" in mail.outbox[0].body


def test_sign_up_in_french_gets_french_email_and_links(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks, prefix="/fr")

    assert User.objects.get().language == "fr"
    assert "/fr/accounts/confirm-email/" in link_in(mail.outbox[0])
    assert "adresse" in mail.outbox[0].body.lower()


def test_sign_up_refuses_an_address_that_is_taken(client, django_capture_on_commit_callbacks):
    UserFactory(email="bezet@example.be")

    response = sign_up(client, django_capture_on_commit_callbacks, email="bezet@example.be")

    # allauth does not reveal that the address exists: same flow, and the owner is told by email.
    assert User.objects.filter(email="bezet@example.be").count() == 1
    assert response.status_code == 302


def test_an_unverified_user_cannot_log_in(client, django_capture_on_commit_callbacks):
    UserFactory(email="wacht@example.be", verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/login/", {"login": "wacht@example.be", "password": PASSWORD}
        )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def confirmation_path(message):
    return "/" + link_in(message).split("://", 1)[1].split("/", 1)[1]


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def test_confirming_in_the_browser_that_signed_up_logs_in(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    path = confirmation_path(mail.outbox[0])

    assert client.get(path).status_code == 200
    response = client.post(path, follow=True)

    assert EmailAddress.objects.get(email="nieuw@example.be").verified
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)
    # One message per event: the confirmation; the dashboard says who is logged in, once.
    assert shown_messages(response) == ["Je e-mailadres nieuw@example.be is bevestigd."]
    assert response.content.decode().count("ingelogd als nieuw@example.be") == 1


def test_confirming_in_another_browser_asks_to_log_in_and_then_login_works(
    client, django_capture_on_commit_callbacks
):
    sign_up(Client(), django_capture_on_commit_callbacks)
    path = confirmation_path(mail.outbox[0])

    response = client.post(path, follow=True)

    assert EmailAddress.objects.get(email="nieuw@example.be").verified
    assert "_auth_user_id" not in client.session
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert shown_messages(response) == [
        "Je e-mailadres nieuw@example.be is bevestigd. Log ermee in om verder te gaan."
    ]
    login = client.post("/accounts/login/", {"login": "nieuw@example.be", "password": PASSWORD})
    assert login.status_code == 302
    assert login["Location"] == "/dashboard/"


def test_a_login_says_who_is_logged_in_once(client, user):
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert shown_messages(response) == []
    assert response.content.decode().count(f"Je bent ingelogd als {user.email}.") == 1


def test_confirming_an_added_address_while_logged_in_says_so(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/email/", {"action_add": "", "email": "ander@example.be"}, follow=True
        )

    response = client.post(confirmation_path(mail.outbox[-1]), follow=True)

    assert EmailAddress.objects.get(email="ander@example.be").verified
    assert shown_messages(response) == ["Je e-mailadres ander@example.be is bevestigd."]


def test_password_reset_mails_a_link_and_says_the_same_for_unknown_addresses(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/password/reset/", {"email": user.email})
        unknown = client.post("/accounts/password/reset/", {"email": "niemand@example.be"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/done/"
    to = [message.to for message in mail.outbox]
    assert [user.email] in to
    assert "/accounts/password/reset/key/" in link_in(mail.outbox[to.index([user.email])])


def test_a_new_email_address_must_be_verified(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/email/", {"action_add": "", "email": "ander@example.be"})

    assert response.status_code == 302
    assert not EmailAddress.objects.get(email="ander@example.be").verified
    assert mail.outbox[-1].to == ["ander@example.be"]


def test_reauthentication_by_code_mails_a_code_to_a_verified_address(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)

    page = client.get("/accounts/reauthenticate/code/")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/accounts/reauthenticate/code/", {"recipient": user.email})

    # allauth gives the field no translatable label; the portal's template does.
    assert "Stuur een eenmalige code naar" in page.content.decode()
    assert sent.status_code == 302
    assert sent["Location"] == "/accounts/reauthenticate/code/confirm/"
    assert mail.outbox[-1].to == [user.email]
    assert "Hallo van Brugwerk!" in mail.outbox[-1].body


def test_reauthentication_by_code_refuses_an_address_of_someone_else(client, user):
    client.force_login(user)

    response = client.post("/accounts/reauthenticate/code/", {"recipient": "ander@example.be"})

    assert response.status_code == 200
    assert not mail.outbox


def test_logout_needs_a_post(client, user):
    client.force_login(user)

    assert client.get("/accounts/logout/").status_code == 200
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_are_rate_limited(client, user):
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "fout"})

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code in {200, 429}


def test_admin_sends_anonymous_visitors_to_the_portal_login(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    login = client.get(response["Location"])
    assert login.status_code == 302
    assert login["Location"].startswith("/accounts/login/")


def test_staff_log_in_with_their_portal_account_and_reach_the_admin(client):
    staff = StaffFactory(is_superuser=True)

    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    response = client.get("/admin/")

    assert response.status_code == 200


def test_a_user_who_is_not_staff_is_kept_out_of_the_admin(client, user):
    client.force_login(user)

    response = client.get("/admin/", follow=True)

    assert response.status_code in {200, 403}
    assert "site administration" not in response.content.decode().lower()
    assert response.request["PATH_INFO"] != "/admin/"
