"""A user downloads their personal data (portal/personal_data.py, /account/privacy/export/)."""

import json

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Notification
from tests.factories import (
    InvitationFactory,
    JoinRequestFactory,
    OrganisationFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
)
from vacancies.models import SavedSearch

from . import privacy_world

EXPORT = "/account/privacy/export/"


@pytest.fixture
def world(reference_data, db):
    return privacy_world.build()


def download(client, user):
    client.force_login(user)
    response = client.get(EXPORT)
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for url in (EXPORT, "/account/privacy/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_export_is_a_json_download_that_no_cache_keeps(client, world):
    response, _data = download(client, world.pia)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="brugwerk-personal-')
    assert response["Cache-Control"] == "no-store"


def test_the_export_only_answers_get(client, world):
    client.force_login(world.pia)

    assert client.post(EXPORT).status_code == 405


def test_the_export_holds_the_account_and_its_settings(client, world):
    _response, data = download(client, world.pia)

    assert data["account"]["email"] == "pia@example.be"
    assert data["account"]["name"] == "Pia Privé"
    assert data["account"]["language"] == "nl"
    assert {a["email"] for a in data["email_addresses"]} == {
        "pia@example.be",
        "pia.werk@example.be",
    }
    assert data["notification_preferences"] == [{"kind": "saved_search", "frequency": "weekly"}]
    assert data["two_factor_authentication"] == {"enabled": False}


def test_the_export_holds_organisations_requests_and_invitations(client, world):
    _response, data = download(client, world.pia)

    assert [(m["organisation"], m["role"]) for m in data["memberships"]] == [
        ("Drukkerij Peeters", "owner")
    ]
    assert data["join_requests"][0]["organisation"] == "Groenwerk Tongeren"
    assert data["join_requests"][0]["message"] == "Ik help graag mee."
    assert [i["to"] for i in data["invitations_sent"]] == ["nieuwe.collega@example.be"]
    # Found at her second address, whatever its spelling.
    assert [i["organisation"] for i in data["invitations_received"]] == ["Groenwerk Tongeren"]


def test_the_export_holds_searches_emails_and_messages(client, world):
    _response, data = download(client, world.pia)

    assert [s["name"] for s in data["saved_searches"]] == ["Groen werk"]
    subjects = {(e["kind"], e["subject"]) for e in data["emails_to_you"]}
    assert ("voucher", "Uw cheque is goedgekeurd") in subjects
    assert ("account", "Bevestig uw e-mailadres") in subjects
    assert all(
        set(e) == {"kind", "subject", "to", "status", "written_at", "sent_at"}
        for e in data["emails_to_you"]
    )
    assert data["contact_messages_sent"] == [
        {
            "subject": "Samen groenonderhoud?",
            "written_at": data["contact_messages_sent"][0]["written_at"],
            "copies": 1,
        }
    ]


def test_the_export_holds_collaborations_vouchers_and_opportunities(client, world):
    _response, data = download(client, world.pia)

    assert [
        (c["regular_organisation"], c["social_enterprise"], c["role"])
        for c in data["collaborations_declared"]
    ] == [("Drukkerij Peeters", "Groenwerk Tongeren", "client")]
    assert [(v["applicant"], v["provider"], v["status"]) for v in data["vouchers_applied_for"]] == [
        ("Drukkerij Peeters", "Groenwerk Tongeren", "submitted")
    ]
    assert [s["to"] for s in data["voucher_steps_taken"]] == ["submitted"]
    assert [o["title"] for o in data["opportunities_created"]] == ["Drukker (m/v/x)"]
    assert [r["status"] for r in data["responses_sent"]] == ["new"]
    assert [e["action"] for e in data["audit_log_entries"]] == ["membership.role_changed"]


def test_the_export_names_a_response_but_not_the_candidate(client, world):
    _response, data = download(client, world.pia)

    assert world.response.experience not in json.dumps(data, ensure_ascii=False)


def test_the_export_holds_nothing_of_anyone_else(client, world):
    _response, data = download(client, world.pia)
    text = json.dumps(data, ensure_ascii=False)

    assert "Otto zoekt" not in text
    assert "Voor Otto" not in text
    assert "otto@example.be" not in text


def test_two_factor_authentication_shows_as_on_and_nothing_of_its_secret(client, db):
    staff = StaffFactory()
    assert Authenticator.objects.filter(user=staff).exists()

    _response, data = download(client, staff)

    assert data["two_factor_authentication"] == {"enabled": True}
    secrets = [str(a.data) for a in Authenticator.objects.filter(user=staff)]
    assert not any(secret in json.dumps(data) for secret in secrets)


def _export_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(EXPORT).status_code == 200
    return len(queries)


def test_the_export_runs_the_same_number_of_queries_for_little_and_much_data(
    client, reference_data, db
):
    def person(size):
        user = UserFactory()
        for n in range(size):
            organisation = OrganisationFactory()
            OwnerFactory(organisation=organisation, user=user)
            JoinRequestFactory(user=user, organisation=OrganisationFactory())
            InvitationFactory(organisation=organisation, invited_by=user)
            SavedSearch.objects.create(user=user, target="vacancies", query=f"q={n}", name=f"{n}")
            privacy_world.email(user, key=f"size:{user.pk}:{n}")
        return user

    assert _export_queries(client, person(1)) == _export_queries(client, person(6))


# --- Only verified addresses are the user's (issue 16) ------------------------------------------


@pytest.fixture
def bystanders(world):
    return privacy_world.bystanders(world)


@pytest.mark.parametrize("address", privacy_world.BYSTANDER_ADDRESSES)
def test_an_address_added_but_not_verified_shows_nothing_sent_to_it(
    client, world, bystanders, address
):
    privacy_world.claim(client, world.pia, address)

    _response, data = download(client, world.pia)
    text = json.dumps(data, ensure_ascii=False)

    # The address she typed is hers to see, as unverified, and so is the link she asked for
    # there; nothing else kept under it is.
    assert {"email": address, "primary": False, "verified": False} in data["email_addresses"]
    assert [e["kind"] for e in data["emails_to_you"] if e["to"] == address] == ["account"]
    for word in privacy_world.BYSTANDER_WORDS:
        assert word not in text
    # Her own data are all still there.
    assert [i["organisation"] for i in data["invitations_received"]] == ["Groenwerk Tongeren"]
    assert [m["subject"] for m in data["contact_messages_sent"]] == ["Samen groenonderhoud?"]
    assert ("account", "Bevestig uw e-mailadres") in {
        (e["kind"], e["subject"]) for e in data["emails_to_you"]
    }


def test_the_login_address_counts_only_once_verified(client, world, bystanders):
    # An account whose login address was never verified (made in the admin, say): Bea's.
    impostor = UserFactory(email="BEA.prive@example.be", verified=False)

    _response, data = download(client, impostor)
    text = json.dumps(data, ensure_ascii=False)

    for word in privacy_world.BYSTANDER_WORDS:
        assert word not in text
    assert data["invitations_received"] == []
    assert data["emails_to_you"] == []


def test_what_another_account_got_at_a_verified_address_stays_theirs(client, world, bystanders):
    # Written to Bea's account, or accepted by her, at an address that is now Pia's.
    Notification.objects.create(
        key="test:bea:old-address",
        recipient=bystanders.bea,
        email="pia.werk@example.be",
        kind="voucher",
        language="nl",
        subject="Bea: aan haar oude adres",
    )
    InvitationFactory(
        organisation=bystanders.kringwinkel,
        email="pia.werk@example.be",
        accepted_at=bystanders.now,
        accepted_by=bystanders.bea,
    )

    _response, data = download(client, world.pia)
    text = json.dumps(data, ensure_ascii=False)

    for word in privacy_world.BYSTANDER_WORDS:
        assert word not in text


def test_an_address_verified_through_its_link_brings_what_was_sent_to_it(client, world, bystanders):
    privacy_world.claim(client, world.otto, "carol@example.be")
    privacy_world.confirm(client, "carol@example.be")  # Otto reads Carol's mailbox after all

    _response, data = download(client, world.otto)

    assert [i["organisation"] for i in data["invitations_received"]] == ["Kringwinkel Bilzen"]
    assert ("invitation", "Carol: uitnodiging van Kringwinkel Bilzen") in {
        (e["kind"], e["subject"]) for e in data["emails_to_you"]
    }


@pytest.mark.parametrize(
    "prefix, sentence",
    [
        ("", "Alleen de e-mailadressen die je geverifieerd hebt, tellen mee"),
        ("/fr", "Seules les adresses e-mail que vous avez vérifiées comptent"),
    ],
)
def test_the_page_says_that_only_verified_addresses_count(client, world, prefix, sentence):
    client.force_login(world.pia)

    page = client.get(f"{prefix}/account/privacy/").content.decode()

    assert sentence in page
    assert f'href="{prefix}/accounts/email/"' in page


def test_the_export_holds_the_users_claims(client, reference_data, db):
    from companies.models import Claim
    from tests.factories import OrganisationFactory, UserFactory

    user = UserFactory()
    organisation = OrganisationFactory(name="Kringwinkel Zonder Leden")
    Claim.objects.create(
        organisation=organisation,
        claimant=user,
        email=user.email,
        domain_matches=False,
        role="zaakvoerder",
        phone="+32 11 22 33 44",
    )
    _, data = download(client, user)

    assert data["claims"][0]["organisation"] == "Kringwinkel Zonder Leden"
    assert data["claims"][0]["role"] == "zaakvoerder"
