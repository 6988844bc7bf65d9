"""Claiming a listing (issue 17, items 2 and 5): who may claim, who decides, what they are told;
join requests that nobody answers go to the regisseur; messages to unclaimed listings."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from companies import claims
from companies.membership import request_to_join
from companies.models import Claim, JoinRequest, Membership
from portal.models import Notification, Region
from tests.factories import (
    JoinRequestFactory,
    MembershipFactory,
    SocialEnterpriseFactory,
    UserFactory,
    log_in_as,
    postcode,
)

pytestmark = pytest.mark.django_db

CLAIMS_URL = "/en/organisations/claims/"


@pytest.fixture
def unclaimed(world):
    """A listing nobody holds, in the region of world.regisseur (Tongeren)."""
    return SocialEnterpriseFactory(
        name="Groenhart Tongeren",
        postcode=postcode("3700"),
        website="https://www.groenhart.be/over-ons",
        email="info@groenhart.be",
    )


@pytest.fixture
def claimant(world):
    return UserFactory(name="Clara Claimant", email="clara@groenhart.be")


def claim_url(organisation):
    return f"/en/organisations/{organisation.slug}/claim/"


def post_claim(client, organisation, user, **fields):
    client.force_login(user)
    data = {"email": user.email, "role": "Zaakvoerder", "phone": "011 23 45 67", **fields}
    return client.post(claim_url(organisation), data)


def emails_to(address):
    return list(Notification.objects.filter(email=address).order_by("pk"))


def file_claim(organisation, user, role="Zaakvoerder"):
    return claims.submit(organisation, by=user, email=user.email, role=role, phone="011 23 45 67")


def decide(client, claim, decision, reason=""):
    return client.post(
        f"{CLAIMS_URL}{claim.pk}/decide/", {"decision": decision, "reason": reason}, follow=True
    )


# --- Who may claim ---------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client, unclaimed):
    response = client.get(claim_url(unclaimed))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_user_without_a_verified_address_is_refused_with_a_message(client, unclaimed):
    user = UserFactory(verified=False)
    client.force_login(user)

    response = client.post(
        claim_url(unclaimed),
        {"email": user.email, "role": "Zaakvoerder", "phone": "011 23 45 67"},
        follow=True,
    )

    assert "A claim needs an email address you have verified" in response.content.decode()
    assert not Claim.objects.exists()


def test_member_cannot_claim_their_own_organisation(client, world):
    response = post_claim(client, world.organisation, world.editor)

    assert response.status_code == 302
    assert not Claim.objects.exists()


def test_an_address_that_is_not_a_verified_one_of_the_account_is_refused(
    client, unclaimed, claimant
):
    response = post_claim(client, unclaimed, claimant, email="someone@groenhart.be")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_bad_phone_number_is_refused_and_the_role_is_kept(client, unclaimed, claimant):
    response = post_claim(client, unclaimed, claimant, phone="bel me maar", role="Zaakvoerder")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a phone number" in page
    assert 'value="Zaakvoerder"' in page
    assert not Claim.objects.exists()


def test_stranger_claims_an_unclaimed_listing_and_its_regisseur_is_emailed(
    client, world, unclaimed, claimant
):
    response = post_claim(client, unclaimed, claimant, role="  Zaak\u200bvoerder ")

    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.claimant, claim.status, claim.email) == (claimant, "pending", claimant.email)
    assert claim.domain_matches is True
    assert claim.role == "Zaakvoerder"  # normalised as every name (portal/names.py)
    assert [n.subject for n in emails_to(world.regisseur.email)] == [
        "Een claim van Groenhart Tongeren om te beslissen"  # the regisseur reads Dutch
    ]
    assert emails_to(world.other_regisseur.email) == []
    assert not Membership.objects.filter(organisation=unclaimed).exists()


def test_a_second_pending_claim_of_the_same_listing_is_refused(client, unclaimed, claimant):
    post_claim(client, unclaimed, claimant)

    response = client.post(
        claim_url(unclaimed),
        {"email": claimant.email, "role": "Zaakvoerder", "phone": "011 23 45 67"},
        follow=True,
    )

    assert "You already claimed Groenhart Tongeren" in response.content.decode()
    assert Claim.objects.count() == 1


def test_claim_in_a_region_without_regisseurs_goes_to_the_administrators(client, world, claimant):
    far = SocialEnterpriseFactory(name="Zeewerk Oostende", postcode=postcode("8400"))

    post_claim(client, far, claimant)

    assert len(emails_to(world.administrator.email)) == 1
    assert emails_to(world.regisseur.email) == []


# --- Who decides -------------------------------------------------------------------------------


def test_regisseur_sees_what_supports_each_claim_of_their_region_only(world, unclaimed, claimant):
    claims.submit(unclaimed, by=claimant, email=claimant.email, role="Zaakvoerder", phone="0470")
    elsewhere = SocialEnterpriseFactory(name="Kringloop Leuven", postcode=postcode("3000"))
    claims.submit(elsewhere, by=claimant, email=claimant.email, role="Directeur", phone="016")

    page = log_in_as(Client(), world.regisseur).get(CLAIMS_URL).content.decode()

    assert "Groenhart Tongeren" in page
    assert "clara@groenhart.be" in page
    assert "Zaakvoerder" in page
    assert "None: nobody holds this listing." in page
    assert "Kringloop Leuven" not in page


def test_the_claims_page_runs_a_fixed_number_of_queries(
    world, unclaimed, claimant, django_assert_max_num_queries
):
    file_claim(unclaimed, claimant)
    client = log_in_as(Client(), world.regisseur)
    with django_assert_max_num_queries(40) as one:
        client.get(CLAIMS_URL)
    for n in range(5):
        listing = SocialEnterpriseFactory(name=f"Listing {n}", postcode=postcode("3700"))
        file_claim(listing, UserFactory())
        MembershipFactory(organisation=listing)

    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(CLAIMS_URL).content.decode()
    assert page.count('id="claim-') == 6


@pytest.mark.parametrize("who", ["stranger", "owner"])
def test_the_claims_page_is_not_found_for_people_who_are_not_staff(client, world, who):
    client.force_login(getattr(world, who))

    assert client.get(CLAIMS_URL).status_code == 404


def test_regisseur_accepts_and_the_claimant_becomes_owner_told_in_their_language(
    world, unclaimed, claimant
):
    claimant.language = "fr"
    claimant.save(update_fields=["language"])
    claim = claims.submit(
        unclaimed, by=claimant, email=claimant.email, role="Zaakvoerder", phone="011 23 45 67"
    )

    page = decide(log_in_as(Client(), world.regisseur), claim, "accept").content.decode()

    claim.refresh_from_db()
    assert claim.status == "accepted" and claim.decided_by == world.regisseur
    assert Membership.objects.get(organisation=unclaimed, user=claimant).role == "owner"
    assert "Clara Claimant is now an owner of Groenhart Tongeren." in page
    [email] = emails_to(claimant.email)
    assert email.language == "fr"
    assert email.subject == "Vous êtes désormais propriétaire de Groenhart Tongeren"


def test_refusing_needs_a_reason_which_the_claimant_is_sent(world, unclaimed, claimant):
    claim = file_claim(unclaimed, claimant)
    regisseur = log_in_as(Client(), world.regisseur)

    page = decide(regisseur, claim, "refuse").content.decode()
    claim.refresh_from_db()
    assert "Say why you refuse the claim" in page
    assert claim.status == "pending"

    decide(regisseur, claim, "refuse", reason="Het ondernemingsnummer hoort bij een ander.")

    claim.refresh_from_db()
    assert claim.status == "refused"
    [email] = emails_to(claimant.email)
    assert "Het ondernemingsnummer hoort bij een ander." in email.body
    assert not Membership.objects.filter(organisation=unclaimed).exists()


def test_regisseur_of_another_region_gets_404_and_decides_nothing(world, unclaimed, claimant):
    claim = file_claim(unclaimed, claimant)

    response = log_in_as(Client(), world.other_regisseur).post(
        f"{CLAIMS_URL}{claim.pk}/decide/", {"decision": "accept"}
    )

    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == "pending"
    assert not Membership.objects.filter(organisation=unclaimed).exists()


def test_an_owner_posting_a_decision_gets_404(client, world, unclaimed, claimant):
    claim = file_claim(unclaimed, claimant)
    client.force_login(world.owner)

    assert client.post(f"{CLAIMS_URL}{claim.pk}/decide/", {"decision": "accept"}).status_code == 404
    claim.refresh_from_db()
    assert claim.status == "pending"


def test_administrator_decides_where_the_region_has_no_regisseur(world, claimant):
    far = SocialEnterpriseFactory(name="Zeewerk Oostende", postcode=postcode("8400"))
    claim = claims.submit(far, by=claimant, email=claimant.email, role="Zaakvoerder", phone="0")

    assert (
        log_in_as(Client(), world.regisseur)
        .post(f"{CLAIMS_URL}{claim.pk}/decide/", {"decision": "accept"})
        .status_code
        == 404
    )
    decide(log_in_as(Client(), world.administrator), claim, "accept")

    claim.refresh_from_db()
    assert claim.status == "accepted"
    assert Membership.objects.get(organisation=far, user=claimant).role == "owner"


def test_a_decision_on_a_claim_already_decided_changes_nothing(world, unclaimed, claimant):
    claim = file_claim(unclaimed, claimant)
    regisseur = log_in_as(Client(), world.regisseur)
    decide(regisseur, claim, "refuse", reason="Onbekend.")

    page = decide(regisseur, claim, "accept").content.decode()

    claim.refresh_from_db()
    assert "This claim was already decided." in page
    assert claim.status == "refused"
    assert not Membership.objects.filter(organisation=unclaimed).exists()
    assert len(emails_to(claimant.email)) == 1


# --- Accepted at once by domain ----------------------------------------------------------------


def allow_claims_by_domain(allowed=True):
    Region.objects.filter(slug="zuidoost-limburg").update(claims_by_domain_accepted_at_once=allowed)


def test_claim_at_the_organisations_domain_is_accepted_at_once_where_the_region_allows(
    client, world, unclaimed, claimant
):
    allow_claims_by_domain()

    page = client.get(post_claim(client, unclaimed, claimant)["Location"]).content.decode()

    assert Claim.objects.get().status == "accepted"
    assert Membership.objects.get(organisation=unclaimed, user=claimant).role == "owner"
    assert "you are now its owner" in page
    assert emails_to(world.regisseur.email) == []
    assert len(emails_to(claimant.email)) == 1


def test_claim_at_the_domain_waits_for_the_regisseur_where_the_region_does_not_allow(
    client, world, unclaimed, claimant
):
    allow_claims_by_domain(False)

    post_claim(client, unclaimed, claimant)

    assert Claim.objects.get().status == "pending"
    assert not Membership.objects.filter(organisation=unclaimed).exists()


def test_a_free_mail_address_never_matches_the_domain(client, world, claimant):
    allow_claims_by_domain()
    listing = SocialEnterpriseFactory(
        name="Fietsatelier Tongeren", postcode=postcode("3700"), email="fietsatelier@gmail.com"
    )
    user = UserFactory(email="baas.fietsatelier@gmail.com")

    post_claim(client, listing, user)

    claim = Claim.objects.get()
    assert (claim.status, claim.domain_matches) == ("pending", False)


def test_another_domain_does_not_match_even_if_it_ends_like_the_organisations(unclaimed):
    assert claims.domain_matches("x@groenhart.be", unclaimed)
    assert claims.domain_matches("x@www.groenhart.be", unclaimed)
    assert not claims.domain_matches("x@nepgroenhart.be", unclaimed)
    assert not claims.domain_matches("x@groenhart.be.evil.com", unclaimed)


# --- Someone else registered my number (item 5) -----------------------------------------------


def test_the_profile_offers_a_claim_on_listed_and_unclaimed_organisations(client, world, unclaimed):
    client.force_login(world.stranger)

    unclaimed_page = client.get(f"/en/organisations/{unclaimed.slug}/").content.decode()
    listed_page = client.get(f"/en/organisations/{world.organisation.slug}/").content.decode()

    assert "Is this your organisation?" in unclaimed_page
    assert "Someone else registered your enterprise number?" in listed_page


def test_real_owner_of_a_listed_number_is_made_owner_and_the_owners_are_told(
    client, world, claimant
):
    page = client.get(post_claim(client, world.organisation, claimant)["Location"]).content.decode()
    assert "was sent to the regisseurs of its region" in page
    claim = Claim.objects.get()
    history = log_in_as(Client(), world.regisseur).get(CLAIMS_URL).content.decode()
    assert "Olga Owner" in history and "Eddy Editor" in history

    decide(log_in_as(Client(), world.regisseur), claim, "accept")

    assert Membership.objects.get(organisation=world.organisation, user=claimant).role == "owner"
    [told] = emails_to(world.owner.email)
    assert "Clara Claimant" in told.body


# --- Join requests nobody answers --------------------------------------------------------------


def test_join_request_to_an_organisation_without_owners_goes_to_the_regisseur_at_once(
    client, world, unclaimed
):
    seeker = UserFactory(name="Sam Seeker")
    client.force_login(seeker)

    response = client.post(
        "/en/organisations/join/?q=groenhart",
        {"organisation": unclaimed.slug, "message": "Ik werk er."},
        follow=True,
    )

    page = response.content.decode()
    assert "has no owner on the portal yet" in page
    assert "a regisseur of the region decides" in page
    assert JoinRequest.objects.get(user=seeker).escalated_at is not None
    assert len(emails_to(world.regisseur.email)) == 1


def test_join_requests_unanswered_for_14_days_go_to_the_regisseur_once(world):
    old = JoinRequestFactory(organisation=world.organisation)
    recent = JoinRequestFactory(organisation=world.organisation)
    JoinRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=14, minutes=1)
    )
    JoinRequest.objects.filter(pk=recent.pk).update(
        created_at=timezone.now() - timedelta(days=13, hours=23)
    )
    Notification.objects.all().delete()

    assert claims.escalate_join_requests() == 1
    assert claims.escalate_join_requests() == 0  # safe to re-run

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.escalated_at is not None and recent.escalated_at is None
    assert [n.key for n in emails_to(world.regisseur.email)] == [
        f"join_request:{old.pk}:escalated:{world.regisseur.pk}"
    ]
    # Fourteen days after the last one, the beat takes the other too.
    later = timezone.now() + timedelta(days=1)
    assert claims.escalate_join_requests(now=later) == 1


def test_regisseur_accepts_an_escalated_request_and_a_newcomer_to_an_ownerless_listing_owns_it(
    world, unclaimed
):
    seeker = UserFactory()
    join_request = request_to_join(unclaimed, user=seeker)
    regisseur = log_in_as(Client(), world.regisseur)
    assert (
        log_in_as(Client(), world.other_regisseur)
        .post(f"{CLAIMS_URL}join-requests/{join_request.pk}/decide/", {"decision": "accept"})
        .status_code
        == 404
    )

    regisseur.post(f"{CLAIMS_URL}join-requests/{join_request.pk}/decide/", {"decision": "accept"})

    assert Membership.objects.get(organisation=unclaimed, user=seeker).role == "owner"


# --- Messages to listings nobody holds ---------------------------------------------------------


def test_profile_says_before_writing_that_a_message_goes_to_the_regie(client, world, unclaimed):
    Region.objects.filter(slug="zuidoost-limburg").update(contact_email="regie@tongeren.be")
    client.force_login(world.stranger)

    page = client.get(f"/en/organisations/{unclaimed.slug}/").content.decode()
    region_name = Region.objects.get(slug="zuidoost-limburg").name
    assert f"your message goes to {region_name}, the regie of its region" in page

    client.post(
        f"/en/organisations/{unclaimed.slug}/contact/",
        {"subject": "Offerte groenonderhoud", "message": "Kunnen jullie ons terrein maaien?"},
    )
    [email] = emails_to("regie@tongeren.be")
    assert "Kunnen jullie ons terrein maaien?" in email.body
    assert email.reply_to == world.stranger.email


def test_without_a_regie_address_the_form_is_not_offered_and_a_post_is_refused(
    client, world, unclaimed
):
    client.force_login(world.stranger)

    page = client.get(f"/en/organisations/{unclaimed.slug}/").content.decode()
    assert "you cannot write to it here" in page
    assert 'name="message"' not in page

    response = client.post(
        f"/en/organisations/{unclaimed.slug}/contact/",
        {"subject": "Offerte groenonderhoud", "message": "Kunnen jullie ons terrein maaien?"},
    )
    assert response.status_code == 200
    assert "has no members on the portal yet" in response.content.decode()
    assert not Notification.objects.filter(kind="contact_message").exists()


def test_a_visitor_learns_where_a_message_would_go_before_logging_in(client, world, unclaimed):
    url = f"/en/organisations/{unclaimed.slug}/"

    without_regie = client.get(url).content.decode()
    Region.objects.filter(slug="zuidoost-limburg").update(contact_email="regie@tongeren.be")
    with_regie = client.get(url).content.decode()

    # No address anywhere: said at once, and no login asked for a message nobody reads.
    assert "you cannot write to it here" in without_regie
    assert "Log in to send a message" not in without_regie
    region_name = Region.objects.get(slug="zuidoost-limburg").name
    assert f"your message goes to {region_name}, the regie of its region" in with_regie
    assert "Log in to send a message" in with_regie


def test_beat_runs_the_escalation_hourly(settings, world):
    from companies.tasks import escalate_join_requests

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "companies.tasks.escalate_join_requests" in schedule
    JoinRequest.objects.filter(pk=world.join_request.pk).update(
        created_at=timezone.now() - timedelta(days=15)
    )

    assert escalate_join_requests.delay().get() == 1
