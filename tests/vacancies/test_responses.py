"""A member of a social enterprise proposes an anonymous candidate for a published vacancy; the
poster's members hear of it by email, in their own language."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import CandidateFactory, VacancyFactory
from vacancies import responses
from vacancies.models import Response

pytestmark = pytest.mark.django_db


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


def detail(vacancy):
    return f"/en/vacancies/{vacancy.code}/"


def send(client, vacancy, capture, **changes):
    with capture(execute=True):
        return client.post(url(vacancy), candidate(**changes))


def test_a_social_enterprise_proposes_a_candidate(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.enterprise_member)

    answer = send(client, world.vacancy, django_capture_on_commit_callbacks)

    assert answer.status_code == 302
    assert answer["Location"] == f"{detail(world.vacancy)}#respond"
    response = Response.objects.get()
    assert response.vacancy == world.vacancy
    assert response.enterprise == world.enterprise
    assert response.created_by == world.enterprise_member
    assert response.status == "new"
    assert response.skills == "Groenten snijden, afwassen, werken volgens HACCP."


def test_the_posters_members_get_an_email_in_their_language(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://brugwerk.example"
    world.editor.language = "fr"
    world.editor.save()
    client.force_login(world.enterprise_member)

    send(client, world.vacancy, django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [world.owner.email, world.editor.email]
    )
    to_owner = next(m for m in mail.outbox if m.to == [world.owner.email])
    to_editor = next(m for m in mail.outbox if m.to == [world.editor.email])
    assert "Groenwerk Tongeren" in to_owner.subject
    assert "Keukenhulp" in to_owner.subject
    assert f"https://brugwerk.example/vacancies/{world.vacancy.code}/#responses" in to_owner.body
    assert f"https://brugwerk.example/fr/vacancies/{world.vacancy.code}/#responses" in (
        to_editor.body
    )
    assert 'lang="fr"' in to_editor.alternatives[0][0]
    # The candidate's profile stays on the portal.
    assert "HACCP" not in to_owner.body


def test_the_detail_page_offers_the_form_then_shows_what_was_sent(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.enterprise_member)

    before = client.get(detail(world.vacancy)).content.decode()
    assert f'action="{url(world.vacancy)}"' in before
    assert 'name="support_needed"' in before
    assert "Do not write the candidate's name, contact details" in before

    send(client, world.vacancy, django_capture_on_commit_callbacks)
    after = client.get(detail(world.vacancy)).content.decode()

    assert 'name="support_needed"' not in after
    assert "Groenten snijden, afwassen, werken volgens HACCP." in after
    assert "Your candidates" in after
    assert '<span class="badge badge--info">New</span>' in after
    # More than one candidate may be proposed, from the respond page.
    assert f'href="{url(world.vacancy)}"' in after


def test_the_respond_page_shows_the_form_and_candidates_already_proposed(client, world):
    CandidateFactory(vacancy=world.vacancy, enterprise=world.enterprise, skills="Heftruck")
    client.force_login(world.enterprise_member)

    page = client.get(url(world.vacancy))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="experience"' in html
    assert "Candidates you already proposed" in html
    assert "Heftruck" in html


def test_a_second_candidate_for_the_same_vacancy_is_welcome(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.enterprise_member)

    send(client, world.vacancy, django_capture_on_commit_callbacks)
    send(client, world.vacancy, django_capture_on_commit_callbacks, skills="Heftruck, VCA")

    assert Response.objects.filter(vacancy=world.vacancy).count() == 2


def test_an_invalid_form_comes_back_with_the_input_and_the_errors(client, world):
    client.force_login(world.enterprise_member)

    page = client.post(url(world.vacancy), candidate(skills="", message="Hallo"))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="respond_skills_error"' in html
    assert "Drie jaar keukenhulp in een sociaal restaurant." in html
    assert not Response.objects.exists()


def test_contact_details_and_health_data_are_refused_with_the_field_named(client, world):
    client.force_login(world.enterprise_member)

    page = client.post(
        url(world.vacancy),
        candidate(
            experience="Jan werkte drie jaar bij ons, bel hem op 0470 12 34 56.",
            support_needed="Heeft autisme, neemt medicatie.",
        ),
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "&quot;Experience&quot; contains a phone number (0470 12 34 56). Remove it." in html
    assert "&quot;Support needed&quot; mentions &quot;autisme&quot;, &quot;medicatie&quot;" in html
    assert "Heeft autisme, neemt medicatie." in html  # the input is kept to correct it
    assert not Response.objects.exists()


def test_the_business_rule_checks_privacy_whatever_the_caller(world):
    with pytest.raises(ValidationError) as caught:
        responses.respond_to_vacancy(
            world.vacancy,
            enterprise=world.enterprise,
            by=world.enterprise_member,
            data=candidate(message="Mail naar an@example.be"),
        )

    assert "message" in caught.value.message_dict
    assert not Response.objects.exists()


@pytest.mark.parametrize("status", ["expired", "closed"])
def test_only_a_published_vacancy_takes_candidates(client, world, status):
    vacancy = VacancyFactory(organisation=world.employer, status=status)
    client.force_login(world.enterprise_member)

    page = client.post(url(vacancy), candidate())

    assert page.status_code == 200
    assert "It takes no more answers." in page.content.decode()
    assert not Response.objects.exists()
    with pytest.raises(ValidationError) as caught:
        responses.respond_to_vacancy(
            vacancy, enterprise=world.enterprise, by=world.enterprise_member, data=candidate()
        )
    assert caught.value.code == "not_open"


def test_a_draft_is_not_found(client, world):
    client.force_login(world.enterprise_member)

    assert client.post(url(world.draft_vacancy), candidate()).status_code == 404
    assert not Response.objects.exists()


def test_only_a_member_answers_for_an_enterprise(world):
    with pytest.raises(PermissionDenied):
        responses.respond_to_vacancy(
            world.vacancy, enterprise=world.enterprise, by=world.stranger, data=candidate()
        )


def test_a_member_of_the_poster_cannot_answer_for_a_social_enterprise_too(world):
    # Someone on both sides would propose to themselves.
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.owner, organisation=world.enterprise)

    with pytest.raises(PermissionDenied):
        responses.respond_to_vacancy(
            world.vacancy, enterprise=world.enterprise, by=world.owner, data=candidate()
        )


def test_markup_is_shown_as_text(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.enterprise_member)
    send(
        client,
        world.vacancy,
        django_capture_on_commit_callbacks,
        skills='<script>alert("x")</script>',
    )
    client.force_login(world.owner)

    html = client.get(detail(world.vacancy)).content.decode()

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
