"""The candidate form asks how the employer reaches the candidate: through the job coach. The
responding organisation's own contact details are welcome in a candidate profile; any other
email address or phone number is the candidate's and is refused (issue 18, item 6)."""

import pytest
from allauth.account.models import EmailAddress
from django.utils import translation

from tests.factories import MembershipFactory, UserFactory
from vacancies import privacy, responses
from vacancies.models import Response

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def coach(world):
    """The enterprise with its contact details, and a job coach with a verified work address."""
    enterprise = world.enterprise
    enterprise.email = "info@groenwerk.be"
    enterprise.phone = "0470 12 34 56"
    enterprise.website = "https://www.groenwerk-tongeren.be/over-ons"
    enterprise.save()
    user = MembershipFactory(organisation=enterprise, user__email="jobcoach@gmail.com").user
    EmailAddress.objects.create(user=user, email="coach.werk@telenet.be", verified=True)
    EmailAddress.objects.create(user=user, email="niet.bevestigd@telenet.be", verified=False)
    return user


def candidate(**changes):
    data = {
        "experience": "Drie jaar keukenhulp in een sociaal restaurant.",
        "skills": "Groenten snijden, afwassen, werken volgens HACCP.",
        "availability": "Vanaf maart, vier dagen per week.",
        "support_needed": "Een vaste collega als aanspreekpunt de eerste weken.",
        "message": "Onze medewerker wil doorstromen naar een gewone job.",
    }
    data.update(changes)
    return data


def url(vacancy):
    return f"/en/vacancies/{vacancy.code}/respond/"


@pytest.mark.parametrize(
    "message",
    [
        "Mail naar info@groenwerk.be",  # the organisation's address
        "Mail naar INFO@Groenwerk.be",  # in any case
        "Mail naar an.peeters@groenwerk-tongeren.be",  # its website's domain
        "Mail naar an@team.groenwerk-tongeren.be",  # a subdomain of it
        "Mail naar coach.werk@telenet.be",  # a member's verified address
        "Mail naar jobcoach@gmail.com",  # the responding user's own address
        "Bel 0470 12 34 56",  # the organisation's number, as stored
        "Bel +32470123456",  # the same number in international form
        "Bel 0470/12.34.56",  # and with other separators
        "Bel 0032 470 12 34 56",
    ],
)
def test_the_responding_organisations_own_contact_details_are_welcome(
    client, world, coach, message, django_capture_on_commit_callbacks
):
    client.force_login(coach)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url(world.vacancy), candidate(message=message))

    assert answer.status_code == 302
    assert Response.objects.get().message == message


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("Mail naar jan.peeters@gmail.com", "contains an email address (jan.peeters@gmail.com)"),
        ("Mail naar niet.bevestigd@telenet.be", "contains an email address"),  # not verified
        ("Mail naar an@groenwerk-tongeren.be.evil.com", "contains an email address"),
        ("Mail naar an@xgroenwerk-tongeren.be", "contains an email address"),
        ("Bel 0470 12 34 57", "contains a phone number (0470 12 34 57)"),
        ("Bel +32 471 12 34 56", "contains a phone number"),
        ("rijksregisternummer 85.07.30-033.28", "contains a national register number"),
        ("Woont in de Kerkstraat 12, 3500 Hasselt", "contains an address"),
        ("Heeft autisme", "mentions &quot;autisme&quot;"),
    ],
)
def test_anything_else_is_still_refused(client, world, coach, message, error):
    client.force_login(coach)

    page = client.post(url(world.vacancy), candidate(message=message))

    assert page.status_code == 200
    assert error in page.content.decode()
    assert not Response.objects.exists()


def test_another_organisations_details_are_the_candidates(world, coach):
    """An address or number of another organisation (the employer's, say) is not the
    responder's own: only its own are allowed."""
    world.employer.email = "jobs@mergelland.be"
    world.employer.phone = "012 34 56 78"
    world.employer.save()
    text = "Mail jobs@mergelland.be of bel 012 34 56 78"

    found = privacy.find(text, allowed=privacy.OwnContacts(world.enterprise, coach))

    assert [finding.kind for finding in found] == ["email", "phone"]


def test_the_business_rule_allows_the_same_as_the_form(world, coach):
    response = responses.respond_to_vacancy(
        world.vacancy,
        enterprise=world.enterprise,
        by=coach,
        data=candidate(message="Bel mij op +32 470 12 34 56 of mail coach.werk@telenet.be"),
    )

    assert response.pk


def test_a_member_of_another_organisation_does_not_make_an_address_allowed(world, coach):
    outsider = UserFactory(email="outsider@example.be")

    found = privacy.find(
        "Mail outsider@example.be", allowed=privacy.OwnContacts(world.enterprise, coach)
    )

    assert found == [privacy.Finding("email", outsider.email)]


def test_the_form_says_whose_contact_details_are_welcome(client, world):
    client.force_login(world.enterprise_member)

    html = client.get(f"/en/vacancies/{world.vacancy.code}/").content.decode()

    assert "Your own contact details are welcome" in html
    assert "the candidate&#x27;s are not" in html or "the candidate's are not" in html


def test_a_too_long_field_is_also_checked_for_privacy_in_the_same_round(client, world):
    client.force_login(world.enterprise_member)

    page = client.post(url(world.vacancy), candidate(skills="Bel 0470 99 88 77. " + "x" * 2000))

    html = page.content.decode()
    assert "contains a phone number (0470 99 88 77)" in html
    assert "Ensure this value has at most 2000 characters" in html
