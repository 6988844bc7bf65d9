"""Moderation of new posters (issue 19, item 3; vacancies/lifecycle.py, vacancies/admin.py).

A region checks the opportunities of organisations that are not verified yet before they are
published (Region.checks_unverified_posters, on by default): `publish` puts them in "awaiting",
where nobody but the poster sees them and nothing is matched; a regisseur of the poster's region
(or an administrator) approves them, which publishes and matches them, or sends them back to
draft with a comment, emailed to the poster's members.

The employer of `world` lies in Tongeren (3700, Zuidoost-Limburg); it is verified there, and
`newcomer` makes it unverified. Hasselt (3500) lies about 20 km away; Gent (9000) lies in no region.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from companies.models import Organisation
from portal.models import AuditEntry, Notification, Region
from tests.factories import (
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    VacancyFactory,
    first_service_category,
    log_in_as,
    postcode,
)
from vacancies import lifecycle
from vacancies.models import Match, ServiceRequest, Status, Vacancy

pytestmark = pytest.mark.django_db

REQUESTS_ADMIN = "/en/admin/vacancies/servicerequest/"
VACANCIES_ADMIN = "/en/admin/vacancies/vacancy/"


def region(slug="zuidoost-limburg"):
    return Region.objects.get(slug=slug)


@pytest.fixture
def newcomer(world):
    """The world with its employer not verified yet."""
    Organisation.objects.filter(pk=world.employer.pk).update(verified_at=None)
    world.employer.refresh_from_db()
    world.staff = StaffFactory(name="Stef Staff")
    return world


@pytest.fixture
def listener():
    """A social enterprise in Hasselt that offers what the world's requests ask, with a member
    who hears about them."""
    enterprise = SocialEnterpriseFactory(postcode=postcode("3500"))
    OfferedServiceFactory(organisation=enterprise, radius_km=50, category=first_service_category())
    return enterprise, OwnerFactory(organisation=enterprise).user


def awaiting(world, model=ServiceRequest, **fields):
    factory = ServiceRequestFactory if model is ServiceRequest else VacancyFactory
    fields.setdefault("submitted_at", timezone.now() - timedelta(days=1))
    return factory(organisation=world.employer, status=Status.AWAITING, **fields)


def matched(opportunity):
    return list(Match.objects.for_opportunity(opportunity).values_list("enterprise", flat=True))


def refreshed(opportunity):
    return type(opportunity).objects.get(pk=opportunity.pk)


# --- Publishing ---------------------------------------------------------------------------------


def test_an_unverified_poster_publishes_into_a_check_and_nothing_is_matched(
    newcomer, listener, committed
):
    draft = ServiceRequestFactory(organisation=newcomer.employer, category=first_service_category())
    mail.outbox.clear()

    committed(lifecycle.publish, draft, by=newcomer.owner)

    draft = refreshed(draft)
    assert draft.status == Status.AWAITING
    assert draft.submitted_at is not None
    assert draft.published_at is None
    assert matched(draft) == []
    assert not Notification.objects.filter(kind="opportunity_match").exists()
    assert mail.outbox == []
    assert not ServiceRequest.objects.public().filter(pk=draft.pk).exists()


def test_what_waits_for_a_check_is_not_public(client, newcomer):
    waiting = awaiting(newcomer, Vacancy, title="Nog na te kijken")
    detail = reverse("vacancies:vacancy_detail", kwargs={"code": waiting.code})

    assert client.get(detail).status_code == 404
    assert "Nog na te kijken" not in client.get("/en/vacancies/").content.decode()
    csv = client.get("/en/vacancies/?format=csv")
    assert "Nog na te kijken" not in b"".join(csv.streaming_content).decode()
    client.force_login(newcomer.enterprise_member)
    assert client.get(detail).status_code == 404


def test_a_verified_poster_publishes_at_once(world, listener, committed):
    draft = ServiceRequestFactory(organisation=world.employer, category=first_service_category())

    committed(lifecycle.publish, draft, by=world.owner)

    assert refreshed(draft).status == Status.PUBLISHED
    assert matched(draft) == [listener[0].pk]


def test_a_region_that_does_not_check_lets_unverified_posters_publish_at_once(
    newcomer, listener, committed
):
    Region.objects.filter(slug="zuidoost-limburg").update(checks_unverified_posters=False)
    draft = ServiceRequestFactory(organisation=newcomer.employer, category=first_service_category())

    committed(lifecycle.publish, draft, by=newcomer.owner)

    assert refreshed(draft).status == Status.PUBLISHED
    assert matched(draft) == [listener[0].pk]


def test_one_checking_region_of_the_municipality_is_enough(newcomer):
    Region.objects.filter(slug="zuidoost-limburg").update(checks_unverified_posters=False)
    cluster = region("handel-samen-sociaal")
    cluster.municipalities.add(newcomer.employer.municipality)
    draft = VacancyFactory(organisation=newcomer.employer)

    lifecycle.publish(draft, by=newcomer.owner)

    assert refreshed(draft).status == Status.AWAITING
    assert [r.slug for r in lifecycle.check_of(newcomer.employer).regions] == [cluster.slug]


def test_an_organisation_in_no_region_publishes_at_once(reference_data):
    ghent = OrganisationFactory(postcode=postcode("9000"))
    owner = OwnerFactory(organisation=ghent).user
    draft = VacancyFactory(organisation=ghent)

    lifecycle.publish(draft, by=owner)

    assert refreshed(draft).status == Status.PUBLISHED


# --- Approving and sending back -----------------------------------------------------------------


def test_approving_publishes_and_matches_as_publishing_does(newcomer, listener, committed):
    enterprise, member = listener
    waiting = awaiting(newcomer, category=first_service_category())
    mail.outbox.clear()

    committed(lifecycle.approve, waiting, by=newcomer.regisseur)

    waiting = refreshed(waiting)
    assert waiting.status == Status.PUBLISHED
    assert waiting.published_at is not None
    assert waiting.matched_at is not None
    assert matched(waiting) == [enterprise.pk]
    assert [message.to for message in mail.outbox] == [[member.email]]
    entry = AuditEntry.objects.get(action="opportunity.approved")
    assert entry.actor == newcomer.regisseur
    assert entry.object_id == str(waiting.pk)


def test_sending_back_makes_a_draft_with_the_comment_and_emails_the_members(
    newcomer, listener, committed
):
    waiting = awaiting(newcomer, title="Groenonderhoud")
    mail.outbox.clear()

    committed(lifecycle.send_back, waiting, by=newcomer.regisseur, comment="Vermeld het aantal m².")

    waiting = refreshed(waiting)
    assert waiting.status == Status.DRAFT
    assert waiting.sent_back_comment == "Vermeld het aantal m²."
    assert waiting.sent_back_at is not None
    assert waiting.submitted_at is None
    assert matched(waiting) == []
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [newcomer.owner.email, newcomer.editor.email]
    )
    assert all("Vermeld het aantal m²." in message.body for message in mail.outbox)
    assert Notification.objects.filter(kind="opportunity_check").count() == 2
    entry = AuditEntry.objects.get(action="opportunity.sent_back")
    assert entry.changes == {"comment": "Vermeld het aantal m²."}


def test_sending_back_needs_a_comment(newcomer):
    waiting = awaiting(newcomer)

    with pytest.raises(ValidationError) as refused:
        lifecycle.send_back(waiting, by=newcomer.regisseur, comment="  ")

    assert refused.value.code == "comment_required"
    assert refreshed(waiting).status == Status.AWAITING


def test_only_what_waits_can_be_approved(newcomer):
    with pytest.raises(ValidationError) as refused:
        lifecycle.approve(newcomer.draft_vacancy, by=newcomer.regisseur)

    assert refused.value.code == "not_awaiting"


def test_one_whose_closing_date_passed_while_waiting_is_sent_back_not_approved(newcomer):
    waiting = awaiting(newcomer, closing_date=timezone.localdate() - timedelta(days=1))

    with pytest.raises(ValidationError) as refused:
        lifecycle.approve(waiting, by=newcomer.regisseur)

    assert refused.value.code == "closing_date_past"
    # Nor does the expiry make it public (an expired one is shown to visitors).
    lifecycle.expire_due(timezone.localdate())
    assert refreshed(waiting).status == Status.AWAITING


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("regisseur", True),
        ("other_regisseur", False),
        ("staff", False),
        ("administrator", True),
        ("owner", False),
        ("anonymous", False),
    ],
)
def test_who_may_check(newcomer, who, allowed):
    user = AnonymousUser() if who == "anonymous" else getattr(newcomer, who)
    approving, sending_back = awaiting(newcomer), awaiting(newcomer)

    if allowed:
        lifecycle.approve(approving, by=user)
        lifecycle.send_back(sending_back, by=user, comment="Te vaag.")
        assert refreshed(approving).status == Status.PUBLISHED
        assert refreshed(sending_back).status == Status.DRAFT
    else:
        with pytest.raises(PermissionDenied):
            lifecycle.approve(approving, by=user)
        with pytest.raises(PermissionDenied):
            lifecycle.send_back(sending_back, by=user, comment="Te vaag.")
        assert refreshed(approving).status == Status.AWAITING
        assert refreshed(sending_back).status == Status.AWAITING


# --- The poster's side ----------------------------------------------------------------------------


def test_the_poster_sees_who_checks_and_how_long_it_usually_takes(client, newcomer):
    Region.objects.filter(slug="zuidoost-limburg").update(check_working_days=3)
    waiting = awaiting(newcomer, Vacancy, title="Keukenhulp in wachtrij")
    client.force_login(newcomer.editor)

    page = client.get(f"/en{reverse('vacancies:vacancy_detail', kwargs={'code': waiting.code})}")

    html = page.content.decode()
    assert "Waiting for a check by the regie of Zuidoost-Limburg" in html
    assert "usually within 3 working days." in html
    assert "Withdraw it: back to draft" in html
    assert page.context["matched"] is None

    dashboard = client.get("/en/dashboard/").content.decode()
    assert "Keukenhulp in wachtrij" in dashboard
    assert "Waiting for a check by the regie of Zuidoost-Limburg" in dashboard


def test_the_poster_reads_it_in_dutch(client, newcomer):
    waiting = awaiting(newcomer, Vacancy)
    client.force_login(newcomer.owner)

    html = client.get(
        reverse("vacancies:vacancy_detail", kwargs={"code": waiting.code})
    ).content.decode()

    assert "Wacht op controle door de regie van Zuidoost-Limburg" in html
    assert "meestal binnen 2 werkdagen." in html


def test_the_poster_is_told_it_waits_after_publishing(client, newcomer):
    draft = newcomer.draft_vacancy
    client.force_login(newcomer.owner)

    response = client.post(
        f"/en{reverse('vacancies:vacancy_publish', kwargs={'code': draft.code})}", follow=True
    )

    assert refreshed(draft).status == Status.AWAITING
    assert "a regisseur checks it before it is published" in response.content.decode()


def test_the_poster_may_edit_what_waits_and_withdraw_it(client, newcomer):
    waiting = awaiting(newcomer, Vacancy)
    later = timezone.localdate() + timedelta(days=40)

    lifecycle.update(waiting, by=newcomer.owner, data={"closing_date": later})
    assert refreshed(waiting).closing_date == later

    client.force_login(newcomer.editor)
    response = client.post(reverse("vacancies:vacancy_withdraw", kwargs={"code": waiting.code}))

    assert response.status_code == 302
    waiting = refreshed(waiting)
    assert waiting.status == Status.DRAFT
    assert waiting.submitted_at is None


def test_the_edit_page_of_what_waits_still_offers_the_closing_date(client, newcomer):
    waiting = awaiting(newcomer, Vacancy)
    client.force_login(newcomer.owner)

    page = client.get(reverse("vacancies:vacancy_edit", kwargs={"code": waiting.code}))

    assert page.status_code == 200
    assert "closing_date" in page.context["form"].fields


@pytest.mark.parametrize("who", ["stranger", "regisseur", "enterprise_member"])
def test_nobody_else_withdraws_it(client, newcomer, who):
    waiting = awaiting(newcomer, Vacancy)
    client.force_login(getattr(newcomer, who))

    response = client.post(reverse("vacancies:vacancy_withdraw", kwargs={"code": waiting.code}))

    assert response.status_code == 404
    assert refreshed(waiting).status == Status.AWAITING


def test_the_poster_sees_the_comment_on_the_draft_sent_back(client, newcomer):
    waiting = awaiting(newcomer, Vacancy)
    lifecycle.send_back(waiting, by=newcomer.regisseur, comment="Welke uren precies?")
    client.force_login(newcomer.owner)

    html = client.get(
        f"/en{reverse('vacancies:vacancy_detail', kwargs={'code': waiting.code})}"
    ).content.decode()

    assert "Sent back by the regie on" in html
    assert "Welke uren precies?" in html


# --- The admin ------------------------------------------------------------------------------------


def _admin_url(waiting, step):
    """The admin's page of a check step, in English (whatever the last request activated)."""
    model = type(waiting)._meta.model_name
    with translation.override("en"):
        return reverse(f"admin:vacancies_{model}_{step}", args=[waiting.pk])


@pytest.mark.parametrize(
    ("who", "status", "after"),
    [
        ("regisseur", 302, Status.PUBLISHED),
        ("other_regisseur", 404, Status.AWAITING),
        ("staff", 403, Status.AWAITING),
        ("administrator", 302, Status.PUBLISHED),
        ("owner", 302, Status.AWAITING),  # to the admin's login
        ("anonymous", 302, Status.AWAITING),
    ],
)
@pytest.mark.parametrize("model", [Vacancy, ServiceRequest])
def test_who_may_approve_in_the_admin(client, newcomer, who, status, after, model):
    waiting = awaiting(newcomer, model)
    if who != "anonymous":
        log_in_as(client, getattr(newcomer, who))

    response = client.post(_admin_url(waiting, "approve"))

    assert response.status_code == status
    assert refreshed(waiting).status == after
    if who in {"owner", "anonymous"}:
        assert "login" in response["Location"]


@pytest.mark.parametrize(
    ("who", "status", "after"),
    [
        ("regisseur", 302, Status.DRAFT),
        ("other_regisseur", 404, Status.AWAITING),
        ("staff", 403, Status.AWAITING),
        ("administrator", 302, Status.DRAFT),
        ("owner", 302, Status.AWAITING),
        ("anonymous", 302, Status.AWAITING),
    ],
)
def test_who_may_send_back_in_the_admin(client, newcomer, who, status, after):
    waiting = awaiting(newcomer, Vacancy)
    if who != "anonymous":
        log_in_as(client, getattr(newcomer, who))

    response = client.post(_admin_url(waiting, "send_back"), {"comment": "Te vaag."})

    assert response.status_code == status
    assert refreshed(waiting).status == after


def test_the_change_page_offers_the_check_and_the_send_back_page_asks_for_a_comment(
    client, newcomer
):
    waiting = awaiting(newcomer, Vacancy)
    log_in_as(client, newcomer.regisseur)

    page = client.get(f"/en{reverse('admin:vacancies_vacancy_change', args=[waiting.pk])}")
    assert page.status_code == 200
    html = page.content.decode()
    assert _admin_url(waiting, "approve").removeprefix("/") in html
    assert _admin_url(waiting, "send_back").removeprefix("/") in html

    form = client.get(_admin_url(waiting, "send_back"))
    assert form.status_code == 200
    assert "csrfmiddlewaretoken" in form.content.decode()
    empty = client.post(_admin_url(waiting, "send_back"), {"comment": ""})
    assert empty.status_code == 200
    assert empty.context["form"].errors == {"comment": ["This field is required."]}
    assert refreshed(waiting).status == Status.AWAITING


def test_a_published_one_offers_no_check(client, newcomer):
    log_in_as(client, newcomer.regisseur)

    html = client.get(
        reverse("admin:vacancies_vacancy_change", args=[newcomer.vacancy.pk])
    ).content.decode()

    assert "opportunity-approve" not in html
    response = client.post(_admin_url(newcomer.vacancy, "approve"), follow=True)
    assert refreshed(newcomer.vacancy).status == Status.PUBLISHED
    assert "Only one waiting for a check can be checked" in response.content.decode()


def test_the_list_actions_approve_and_send_back(client, newcomer):
    first, second = awaiting(newcomer), awaiting(newcomer)
    log_in_as(client, newcomer.regisseur)

    client.post(REQUESTS_ADMIN, {"action": "approve", "_selected_action": [first.pk]})
    asked = client.post(REQUESTS_ADMIN, {"action": "send_back", "_selected_action": [second.pk]})
    assert asked.status_code == 200  # the comment first
    assert refreshed(second).status == Status.AWAITING
    client.post(
        REQUESTS_ADMIN,
        {
            "action": "send_back",
            "_selected_action": [second.pk],
            "apply": "1",
            "comment": "Welk budget?",
        },
    )

    assert refreshed(first).status == Status.PUBLISHED
    second = refreshed(second)
    assert (second.status, second.sent_back_comment) == (Status.DRAFT, "Welk budget?")


def test_a_forged_selection_finds_nothing(client, newcomer):
    log_in_as(client, newcomer.regisseur)

    waiting = awaiting(newcomer)

    response = client.post(
        REQUESTS_ADMIN, {"action": "approve", "_selected_action": ["x"]}, follow=True
    )

    assert response.status_code == 200
    assert "None of the selected ones was found." in response.content.decode()
    assert refreshed(waiting).status == Status.AWAITING


def test_regisseurs_see_the_opportunities_of_their_regions_posters_only(client, newcomer):
    ghent = OrganisationFactory(postcode=postcode("9000"))
    elsewhere = VacancyFactory(organisation=ghent, status=Status.AWAITING, submitted_at=None)
    log_in_as(client, newcomer.regisseur)

    listed = client.get(VACANCIES_ADMIN).context["cl"].result_list
    assert newcomer.vacancy in listed and elsewhere not in listed

    log_in_as(client, newcomer.other_regisseur)
    assert list(client.get(VACANCIES_ADMIN).context["cl"].result_list) == []
    log_in_as(client, newcomer.staff)
    assert client.get(VACANCIES_ADMIN).status_code == 403


def test_the_list_filter_shows_exactly_one_regions_waiting_ones(client, newcomer):
    awaiting(newcomer, Vacancy)
    awaiting(newcomer, Vacancy)
    ghent = OrganisationFactory(postcode=postcode("9000"))
    VacancyFactory(organisation=ghent, status=Status.AWAITING)
    log_in_as(client, newcomer.administrator)

    def count(**parameters):
        return client.get(VACANCIES_ADMIN, parameters).context["cl"].result_count

    assert count(status__exact="awaiting") == 3
    assert count(status__exact="awaiting", region=region().pk) == 2
    assert count(status__exact="awaiting", region="none") == 1
    assert count(status__exact="awaiting", region="x") == 3  # ignored


def test_the_regisseurs_list_runs_the_same_queries_whatever_its_length(
    client, newcomer, django_assert_max_num_queries
):
    log_in_as(client, newcomer.regisseur)
    url = f"{VACANCIES_ADMIN}?status__exact=awaiting&region={region().pk}"
    awaiting(newcomer, Vacancy)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(10):
        awaiting(newcomer, Vacancy)
    with django_assert_max_num_queries(len(one)):
        assert client.get(url).context["cl"].result_count == 11
