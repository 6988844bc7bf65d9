"""Accounts: Argon2 password hashes, sessions that end on a password change, messages that never
tell whether an address is registered, and rate limits on login, sign-up and reset."""

import importlib

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client

from portal.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "een-ander-lang-wachtwoord-17"


def configured(name):
    """The value portal/settings.py sets (tests/conftest.py swaps the hasher for speed)."""
    return getattr(importlib.import_module("portal.settings"), name)


def per_minute(action, scope="ip"):
    """The allowance per minute of a rate limit in ACCOUNT_RATE_LIMITS, e.g. "20/m/ip"."""
    for rule in configured("ACCOUNT_RATE_LIMITS")[action].split(","):
        amount, period, *rest = rule.split("/")
        if period == "m" and rest == [scope]:
            return int(amount)
    raise AssertionError(f"{action} has no per-minute limit by {scope}")


def logged_in(client):
    return "_auth_user_id" in client.session


# --- Argon2 --------------------------------------------------------------------------------------


def test_passwords_are_stored_with_argon2_and_older_hashes_upgrade_at_login(client, settings):
    settings.PASSWORD_HASHERS = configured("PASSWORD_HASHERS")
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    fresh = UserFactory()
    assert fresh.password.startswith("argon2$")

    older = UserFactory()
    User.objects.filter(pk=older.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    client.post("/accounts/login/", {"login": older.email, "password": PASSWORD})

    assert logged_in(client)
    older.refresh_from_db()
    assert older.password.startswith("argon2$")


# --- Sessions end on a password change -----------------------------------------------------------


def test_changing_the_password_ends_every_session_of_the_account(user):
    here, elsewhere, bystander = Client(), Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    other = UserFactory()
    bystander.force_login(other)

    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    for client in (here, elsewhere):
        assert client.get("/dashboard/")["Location"].startswith("/accounts/login/")
    assert bystander.get("/dashboard/").status_code == 200


def test_a_password_reset_ends_the_sessions_that_were_open(
    user, django_capture_on_commit_callbacks
):
    elsewhere = Client()
    elsewhere.force_login(user)
    resetter = Client()
    with django_capture_on_commit_callbacks(execute=True):
        resetter.post("/accounts/password/reset/", {"email": user.email})
    link = next(m for m in mail.outbox if m.to == [user.email]).body
    path = "/" + link.split("/accounts/password/reset/key/", 1)[1].split()[0]
    form = resetter.get(f"/accounts/password/reset/key{path}", follow=True)
    resetter.post(form.request["PATH_INFO"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert elsewhere.get("/dashboard/")["Location"].startswith("/accounts/login/")


# --- Messages that do not reveal whether an address is registered -------------------------------


def errors_of(response):
    return sorted(str(error) for error in response.context["form"].non_field_errors())


def test_login_says_the_same_for_an_unknown_address_and_a_wrong_password(client, user):
    unknown = client.post(
        "/accounts/login/", {"login": "niemand@example.be", "password": "fout-wachtwoord"}
    )
    wrong = client.post("/accounts/login/", {"login": user.email, "password": "fout-wachtwoord"})

    assert unknown.status_code == wrong.status_code == 200
    assert errors_of(unknown) == errors_of(wrong) != []
    assert user.email not in errors_of(wrong)[0]


def test_sign_up_with_a_registered_address_looks_like_any_sign_up(
    client, user, django_capture_on_commit_callbacks
):
    def sign_up(email):
        with django_capture_on_commit_callbacks(execute=True):
            return Client().post(
                "/accounts/signup/",
                {"email": email, "password1": PASSWORD, "password2": PASSWORD},
                follow=True,
            )

    taken = sign_up(user.email)
    new = sign_up("nieuw@example.be")

    assert taken.redirect_chain == new.redirect_chain == [("/accounts/confirm-email/", 302)]
    assert taken.content.decode().replace(user.email, "X") == new.content.decode().replace(
        "nieuw@example.be", "X"
    )
    # Only the owner of the address learns, by email, that somebody tried to sign up with it.
    assert User.objects.filter(email=user.email).count() == 1
    assert {tuple(m.to) for m in mail.outbox} == {(user.email,), ("nieuw@example.be",)}


def test_a_password_reset_says_the_same_for_an_unknown_address(
    client, user, django_capture_on_commit_callbacks
):
    # tests/portal/test_accounts.py checks the redirect; here the page the visitor reads.
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post("/accounts/password/reset/", {"email": user.email}, follow=True)
        unknown = Client().post(
            "/accounts/password/reset/", {"email": "niemand@example.be"}, follow=True
        )

    assert known.content == unknown.content


# --- Rate limits ---------------------------------------------------------------------------------


def test_logins_are_rate_limited_per_address_of_the_visitor(client, user):
    allowance = per_minute("login")
    for _ in range(allowance):
        client.post("/accounts/login/", {"login": "niemand@example.be", "password": "x"})

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == 429
    assert not logged_in(client)


def test_failed_logins_lock_the_account_for_a_while_but_not_others(client, user):
    for _ in range(5):  # "5/5m/key"
        client.post("/accounts/login/", {"login": user.email, "password": "fout"})

    locked = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert not logged_in(client)
    assert locked.status_code == 200 and errors_of(locked)
    other = UserFactory()
    client.post("/accounts/login/", {"login": other.email, "password": PASSWORD})
    assert logged_in(client)


def test_sign_ups_are_rate_limited_per_address_of_the_visitor(client):
    allowance = per_minute("signup")
    for index in range(allowance):
        client.post(
            "/accounts/signup/",
            {"email": f"poging{index}@example.be", "password1": "a", "password2": "b"},
        )

    response = client.post(
        "/accounts/signup/",
        {"email": "laatste@example.be", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 429
    assert not User.objects.filter(email="laatste@example.be").exists()


def test_password_resets_are_rate_limited_per_address(
    client, user, django_capture_on_commit_callbacks
):
    allowance = per_minute("reset_password", scope="key")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(allowance):
            client.post("/accounts/password/reset/", {"email": user.email})
    assert len(mail.outbox) == allowance
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": user.email})

    assert response.status_code == 429
    assert len(mail.outbox) == allowance
