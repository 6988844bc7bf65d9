"""API tokens (api/tokens.py, api/token_views.py): issued to a registered user after a fresh
authentication, shown once, stored hashed, revocable; an organisation's by its owners."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from portal.models import AuditEntry
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
    log_in_with_second_factor,
)

from .conftest import bearer

pytestmark = pytest.mark.django_db

TOKENS = "/en/open-data/tokens/"
CHECK = "/api/v1/vacancies/"  # any API address that reads the token


def reauthenticated(user):
    """A client logged in as `user` that has just confirmed its password (allauth's
    reauthentication, which issuing asks for)."""
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    return client


def new_key(response):
    return re.search(r'value="(bw_[^"]+)"', response.content.decode()).group(1)


def answers(key):
    """How the API takes the key: 401 when it does not work. (A POST without a body: 401
    for a dead key, 403 or 400 for a working one.)"""
    return bearer(key).post(CHECK, {}).status_code


# --- A person's own tokens ----------------------------------------------------------------------


def test_issuing_asks_for_the_password_again_then_shows_the_key_once(user):
    client = Client()
    client.force_login(user)

    asked = client.post(TOKENS, {"name": "Mijn script"})
    assert asked.status_code == 302
    assert asked["Location"].startswith("/en/accounts/reauthenticate/")
    assert not ApiToken.objects.exists()
    # allauth keeps the POST and takes it up once the password is confirmed.
    issued = client.post(asked["Location"], {"password": PASSWORD})

    assert issued.status_code == 200
    key = new_key(issued)
    assert issued["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert (token.user, token.organisation, token.name) == (user, None, "Mijn script")
    assert key.startswith(token.prefix) and len(key) > 40
    page = client.get(TOKENS).content.decode()
    assert "Mijn script" in page and token.prefix in page and key not in page


def test_the_database_holds_no_usable_key(user):
    key = new_key(reauthenticated(user).post(TOKENS, {"name": "Script"}))
    token = ApiToken.objects.get()
    stored = [str(getattr(token, field.attname)) for field in ApiToken._meta.fields]

    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert not any(key in value for value in stored)
    assert not any(key[len(token.prefix) :] in value for value in stored)
    assert answers(key) != 401
    assert answers(token.key_hash) == 401
    assert answers(f"bw_{token.key_hash}") == 401


def test_the_name_is_required_and_limited(user):
    client = reauthenticated(user)

    for name in ["", "x" * 101]:
        response = client.post(TOKENS, {"name": name})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_person_sees_and_revokes_only_their_own_tokens(user):
    mine, key = tokens.issue(by=user, name="Mijn")
    theirs, their_key = tokens.issue(by=UserFactory(), name="Van een ander")
    client = Client()
    client.force_login(user)

    page = client.get(TOKENS).content.decode()
    refused = client.post(f"{TOKENS}{theirs.pk}/revoke/")
    revoked = client.post(f"{TOKENS}{mine.pk}/revoke/")

    assert "Mijn" in page and "Van een ander" not in page
    assert refused.status_code == 404
    assert revoked.status_code == 302
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert answers(key) == 401 and answers(their_key) != 401
    assert AuditEntry.objects.filter(action="api_token.revoked", actor=user).count() == 1
    assert client.get(f"{TOKENS}{mine.pk}/revoke/").status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(db):
    client = Client()

    assert client.get(TOKENS)["Location"].startswith("/en/accounts/login/")
    assert client.post(TOKENS, {"name": "x"})["Location"].startswith("/en/accounts/login/")


def test_last_used_is_written_at_most_once_a_minute(user, django_assert_num_queries):
    token, key = tokens.issue(by=user, name="Script")

    with django_assert_num_queries(2):  # the token, and the first use
        assert tokens.find(key) is not None
    with django_assert_num_queries(1):  # the token only
        assert tokens.find(key) is not None
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(seconds=61))
    with django_assert_num_queries(2):
        tokens.find(key)
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)


def test_an_inactive_users_token_stops(user):
    _token, key = tokens.issue(by=user, name="Script")
    user.is_active = False
    user.save()

    assert tokens.find(key) is None


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer bw_é", "bearer  "])
def test_a_malformed_authorization_header_is_a_401(db, header):
    client = Client()

    response = client.post(CHECK, {}, content_type="application/json", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401


# --- An organisation's tokens -------------------------------------------------------------------


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


def organisation_tokens(organisation):
    return f"/en/organisations/{organisation.slug}/api-tokens/"


def test_only_owners_reach_an_organisations_tokens(organisation):
    owner = OwnerFactory(organisation=organisation).user
    editor = MembershipFactory(organisation=organisation).user
    stranger = UserFactory()
    address = organisation_tokens(organisation)
    outcomes = {}
    for name, user in {"owner": owner, "editor": editor, "stranger": stranger}.items():
        client = reauthenticated(user)
        outcomes[name] = (
            client.get(address).status_code,
            client.post(address, {"name": "HR"}).status_code,
        )

    assert outcomes == {"owner": (200, 200), "editor": (403, 403), "stranger": (404, 404)}
    token = ApiToken.objects.get()
    assert (token.user, token.organisation) == (owner, organisation)
    entry = AuditEntry.objects.get(action="api_token.issued")
    assert entry.actor == owner and entry.changes == {"organisation": str(organisation)}


def test_any_owner_revokes_an_organisations_token_and_an_editor_cannot(organisation):
    issuer = OwnerFactory(organisation=organisation).user
    other_owner = OwnerFactory(organisation=organisation).user
    editor = MembershipFactory(organisation=organisation).user
    token, key = tokens.issue(by=issuer, name="HR", organisation=organisation)
    revoke = f"{organisation_tokens(organisation)}{token.pk}/revoke/"
    as_editor, as_owner = Client(), Client()
    as_editor.force_login(editor)
    as_owner.force_login(other_owner)

    assert as_editor.post(revoke).status_code == 403
    assert answers(key) != 401
    assert as_owner.post(revoke).status_code == 302
    assert answers(key) == 401


def test_an_organisations_token_is_not_revoked_through_another_organisation(organisation):
    owner = OwnerFactory(organisation=organisation).user
    other = OrganisationFactory()
    OwnerFactory(organisation=other, user=owner)
    token, _key = tokens.issue(by=owner, name="HR", organisation=organisation)
    client = Client()
    client.force_login(owner)

    response = client.post(f"{organisation_tokens(other)}{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_issuer_who_steps_down_leaves_a_dead_token_that_owners_still_see(organisation):
    issuer = OwnerFactory(organisation=organisation).user
    successor = OwnerFactory(organisation=organisation).user
    token, key = tokens.issue(by=issuer, name="HR", organisation=organisation)
    organisation.memberships.filter(user=issuer).delete()
    client = Client()
    client.force_login(successor)

    assert answers(key) == 401
    assert "HR" in client.get(organisation_tokens(organisation)).content.decode()


def test_the_organisations_page_lists_its_tokens_in_a_fixed_number_of_queries(
    organisation, django_assert_max_num_queries
):
    owner = OwnerFactory(organisation=organisation).user
    for n in range(5):
        tokens.issue(
            by=OwnerFactory(organisation=organisation).user,
            name=f"HR {n}",
            organisation=organisation,
        )
    client = Client()
    client.force_login(owner)

    with django_assert_max_num_queries(12):
        response = client.get(organisation_tokens(organisation))

    assert response.content.decode().count('<th scope="row">HR ') == 5


# --- The admin ----------------------------------------------------------------------------------


def test_administrators_list_and_revoke_tokens_without_seeing_the_digest(user):
    token, key = tokens.issue(by=user, name="Script")
    admin = StaffFactory(is_superuser=True)
    client = Client()
    log_in_with_second_factor(client, admin)

    listing = client.get("/en/admin/api/apitoken/").content.decode()
    change = client.get(f"/en/admin/api/apitoken/{token.pk}/change/").content.decode()
    client.post(
        "/en/admin/api/apitoken/",
        {"action": "revoke", ACTION_CHECKBOX_NAME: [token.pk]},
    )

    assert "Script" in listing and token.prefix in listing
    assert token.key_hash not in listing + change and key not in listing + change
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert answers(key) == 401
