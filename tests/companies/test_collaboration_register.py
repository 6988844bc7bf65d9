"""Collaborations declared by hand: a member of either side declares, the other side confirms
or disputes, either side ends a running one, the declaring side withdraws what is unconfirmed;
the organisation's collaboration pages, the dashboard section, the admin and the profiles; one
row per collaboration (pair, role, category, start), also when an import writes it meanwhile."""

import threading
import time
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from companies import collaboration_import, collaborations
from companies.models import Collaboration
from portal.models import Notification, Region, ServiceCategory
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    log_in_as,
    postcode,
)

pytestmark = pytest.mark.django_db


def category(slug="groenonderhoud"):
    return ServiceCategory.objects.get(slug=slug)


@pytest.fixture
def sides(reference_data):
    """A firm in Tongeren and a social enterprise in Leuven, each with an owner and an editor;
    a stranger; and the owner of a third organisation."""
    firm = OrganisationFactory(name="Bakkerij Tongeren", postcode=postcode("3700"))
    enterprise = SocialEnterpriseFactory(name="Groenwerk Leuven", postcode=postcode("3000"))
    third = SocialEnterpriseFactory(name="Kringwinkel Elders", postcode=postcode("3500"))
    return SimpleNamespace(
        firm=firm,
        firm_owner=OwnerFactory(organisation=firm, user__language="en").user,
        firm_editor=MembershipFactory(organisation=firm, user__language="en").user,
        enterprise=enterprise,
        enterprise_owner=OwnerFactory(organisation=enterprise, user__language="en").user,
        enterprise_editor=MembershipFactory(organisation=enterprise, user__language="en").user,
        third=third,
        third_owner=OwnerFactory(organisation=third).user,
        stranger=UserFactory(),
    )


def declare(sides, *, by=None, organisation=None, other=None, **changes):
    """A declaration by the firm's editor (unless told otherwise) through the business logic."""
    fields = {
        "organisation": organisation or sides.firm,
        "other": other or sides.enterprise,
        "role": "client",
        "category": category(),
        "started": date(2020, 4, 1),
        "ended": None,
        "channel": "directory",
        "by": by or sides.firm_editor,
    }
    fields.update(changes)
    return collaborations.declare(**fields)[0]


def url(organisation, path=""):
    return f"/en/organisations/{organisation.slug}/collaborations/{path}"


def action(organisation, collaboration, verb):
    return url(organisation, f"{collaboration.pk}/{verb}/")


def form_data(other, **changes):
    data = {
        "partner": other.slug,
        "role": "client",
        "category": category().pk,
        "started": "2020-04-01",
        "ended": "",
        "channel": "directory",
    }
    data.update(changes)
    return data


def notifications(**filters):
    return Notification.objects.filter(kind="collaboration", **filters)


# --- Declaring ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, sides):
    response = client.get(url(sides.firm, "declare/"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.post(url(sides.firm, "declare/"), form_data(sides.enterprise)).status_code == 302
    assert not Collaboration.objects.exists()


def test_a_stranger_gets_404_and_declares_nothing(client, sides):
    log_in_as(client, sides.stranger)

    assert client.get(url(sides.firm, "declare/")).status_code == 404
    response = client.post(url(sides.firm, "declare/"), form_data(sides.enterprise))

    assert response.status_code == 404
    assert not Collaboration.objects.exists()


def test_the_search_finds_the_other_kind_by_name_or_enterprise_number(client, sides):
    other_firm = OrganisationFactory(name="Groenten Tongeren")
    log_in_as(client, sides.firm_editor)

    by_name = client.get(url(sides.firm, "declare/"), {"q": "groen"}).content.decode()
    number = sides.enterprise.enterprise_number
    spelt = f"BE {number[:4]} {number[4:7]} {number[7:]}"
    by_number = client.get(url(sides.firm, "declare/"), {"q": spelt}).content.decode()

    assert "Groenwerk Leuven" in by_name
    # A firm declares with social enterprises only.
    assert other_firm.name not in by_name
    assert "Groenwerk Leuven" in by_number
    assert f"partner={sides.enterprise.slug}" in by_number


def test_a_social_enterprise_searches_among_regular_organisations(client, sides):
    log_in_as(client, sides.enterprise_editor)

    page = client.get(url(sides.enterprise, "declare/"), {"q": "Tongeren"}).content.decode()

    assert "Bakkerij Tongeren" in page
    assert (
        "Kringwinkel Elders"
        not in client.get(url(sides.enterprise, "declare/"), {"q": "Kringwinkel"}).content.decode()
    )


def test_choosing_the_other_side_shows_the_form(client, sides):
    log_in_as(client, sides.firm_editor)

    page = client.get(url(sides.firm, "declare/"), {"partner": sides.enterprise.slug})

    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{sides.enterprise.slug}"' in html
    assert 'name="started"' in html
    assert "We are their client: we buy from them" in html


@pytest.mark.parametrize("partner", ["same-kind", "itself", "unknown"])
def test_a_partner_that_cannot_be_chosen_is_refused_with_a_message(client, sides, partner):
    slug = {
        "same-kind": OrganisationFactory(name="Andere Firma").slug,
        "itself": sides.firm.slug,
        "unknown": "bestaat-niet",
    }[partner]
    log_in_as(client, sides.firm_editor)

    shown = client.get(url(sides.firm, "declare/"), {"partner": slug})
    posted = client.post(url(sides.firm, "declare/"), form_data(sides.enterprise, partner=slug))

    assert shown.status_code == posted.status_code == 200
    assert 'name="started"' not in shown.content.decode()
    messages = [str(message) for message in posted.context["messages"]]
    assert messages
    assert not Collaboration.objects.exists()


def test_an_editor_declares_and_the_other_sides_members_are_asked_to_confirm(client, sides):
    log_in_as(client, sides.firm_editor)

    response = client.post(
        url(sides.firm, "declare/"), form_data(sides.enterprise, ended="2023-06-30")
    )

    collaboration = Collaboration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url(sides.firm)}#collaboration-{collaboration.pk}"
    assert (collaboration.regular, collaboration.social) == (sides.firm, sides.enterprise)
    assert collaboration.role == "client"
    assert collaboration.category == category()
    assert (collaboration.started, collaboration.ended) == (date(2020, 4, 1), date(2023, 6, 30))
    assert collaboration.channel == "directory"
    assert collaboration.source == "manual"
    assert collaboration.declared_by == sides.firm_editor
    assert collaboration.confirmed_by_regular_at is not None
    assert collaboration.confirmed_by_social_at is None
    assert not Collaboration.objects.confirmed().exists()
    told = notifications()
    assert {n.recipient for n in told} == {sides.enterprise_owner, sides.enterprise_editor}
    assert {n.key for n in told} == {
        f"collaboration:{collaboration.pk}:declared:{user.pk}"
        for user in (sides.enterprise_owner, sides.enterprise_editor)
    }
    email = told.get(recipient=sides.enterprise_owner)
    assert "Bakkerij Tongeren says it works with you" in email.subject
    assert f"/en/organisations/{sides.enterprise.slug}/collaborations/" in email.body
    assert "Client" in email.body  # what the firm is to the enterprise


def test_a_social_enterprise_declares_with_a_firm(client, sides):
    log_in_as(client, sides.enterprise_owner)

    client.post(
        url(sides.enterprise, "declare/"),
        form_data(sides.firm, role="supplier", channel="network_event"),
    )

    collaboration = Collaboration.objects.get()
    assert (collaboration.regular, collaboration.social) == (sides.firm, sides.enterprise)
    assert collaboration.role == "supplier"
    assert collaboration.confirmed_by_social_at is not None
    assert collaboration.confirmed_by_regular_at is None
    assert {n.recipient for n in notifications()} == {sides.firm_owner, sides.firm_editor}


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"started": "2011-12-31"}, "started", "The register starts on 1 January 2012"),
        ({"started": "in-days:1"}, "started", "The start lies in the future"),
        ({"started": "2020-04-01", "ended": "2020-03-31"}, "ended", "comes before the start"),
        ({"started": "31-31-2020"}, "started", "Enter a valid date."),
        ({"started": "99999-01-01"}, "started", "Enter a valid date."),
        ({"ended": "gisteren"}, "ended", "Enter a valid date."),
        ({"started": ""}, "started", "This field is required."),
        ({"role": "boss"}, "role", "Select a valid choice."),
        ({"channel": ""}, "channel", "This field is required."),
        ({"category": "999999"}, "category", "Select a valid choice."),
        ({"category": "groen"}, "category", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_the_reason_and_the_input_kept(
    client, sides, changes, field, text
):
    if changes.get("started") == "in-days:1":
        changes["started"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    log_in_as(client, sides.firm_editor)

    response = client.post(url(sides.firm, "declare/"), form_data(sides.enterprise, **changes))

    assert response.status_code == 200
    form = response.context["form"]
    assert any(text in error for error in form.errors[field]), form.errors
    # The chosen organisation and the rest of the input stay on the page.
    html = response.content.decode()
    assert f'value="{sides.enterprise.slug}"' in html
    assert 'value="directory"' in html
    assert not Collaboration.objects.exists()
    assert not notifications().exists()


def test_today_and_the_first_day_of_2012_are_allowed(client, sides):
    log_in_as(client, sides.firm_editor)

    client.post(url(sides.firm, "declare/"), form_data(sides.enterprise, started="2012-01-01"))
    client.post(
        url(sides.firm, "declare/"),
        form_data(sides.enterprise, started=timezone.localdate().isoformat()),
    )

    assert Collaboration.objects.count() == 2


def test_declaring_the_same_again_points_to_the_one_there(client, sides):
    first = declare(sides)
    log_in_as(client, sides.firm_owner)

    response = client.post(url(sides.firm, "declare/"), form_data(sides.enterprise))

    assert response["Location"] == f"{url(sides.firm)}#collaboration-{first.pk}"
    assert Collaboration.objects.count() == 1
    assert notifications().count() == 2
    messages = [str(m) for m in client.get(url(sides.firm)).context["messages"]]
    assert any("already in the register" in message for message in messages)


def test_another_role_category_or_start_is_another_collaboration(sides):
    declare(sides)
    declare(sides, role="partner")
    declare(sides, category=category("schoonmaak"))
    declare(sides, started=date(2021, 4, 1))

    assert Collaboration.objects.count() == 4


def test_when_the_other_side_declares_the_same_it_confirms_it(sides):
    first = declare(sides)

    again = declare(
        sides, organisation=sides.enterprise, other=sides.firm, by=sides.enterprise_editor
    )

    assert again.pk == first.pk
    assert list(Collaboration.objects.confirmed()) == [first]
    told = notifications(key__contains=":confirmed:")
    assert {n.recipient for n in told} == {sides.firm_owner, sides.firm_editor}


def test_declaring_needs_membership_of_the_declaring_side(sides):
    with pytest.raises(PermissionDenied):
        declare(sides, by=sides.enterprise_owner)
    assert not Collaboration.objects.exists()


# --- Confirming and disputing ---------------------------------------------------------------


def test_any_member_of_the_other_side_confirms_and_it_counts(client, sides):
    collaboration = declare(sides)
    log_in_as(client, sides.enterprise_editor)

    response = client.post(action(sides.enterprise, collaboration, "confirm"))

    assert response.status_code == 302
    assert response["Location"] == f"{url(sides.enterprise)}#collaboration-{collaboration.pk}"
    collaboration.refresh_from_db()
    assert collaboration.confirmed_by_social_at is not None
    assert list(Collaboration.objects.confirmed()) == [collaboration]
    told = notifications(key__contains=":confirmed:")
    assert {n.recipient for n in told} == {sides.firm_owner, sides.firm_editor}
    assert "Groenwerk Leuven confirmed your collaboration" in told.first().subject


def test_confirming_twice_changes_nothing_and_says_so(client, sides):
    collaboration = declare(sides)
    log_in_as(client, sides.firm_owner)

    response = client.post(action(sides.firm, collaboration, "confirm"), follow=True)

    assert "has already confirmed this collaboration" in response.content.decode()
    collaboration.refresh_from_db()
    assert collaboration.confirmed_by_social_at is None
    assert not notifications(key__contains=":confirmed:").exists()


@pytest.mark.parametrize("verb", ["confirm", "dispute", "end", "withdraw"])
def test_anonymous_visitors_cannot_act_on_a_collaboration(client, sides, verb):
    collaboration = declare(sides)

    response = client.post(action(sides.enterprise, collaboration, verb))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("verb", ["confirm", "dispute", "end", "withdraw"])
def test_strangers_and_members_of_a_third_organisation_get_404(client, sides, verb):
    collaboration = declare(sides)
    before = Collaboration.objects.values().get()

    log_in_as(client, sides.stranger)
    assert client.post(action(sides.enterprise, collaboration, verb)).status_code == 404
    log_in_as(client, sides.third_owner)
    # Through their own organisation: not a side of it.
    assert client.post(action(sides.third, collaboration, verb)).status_code == 404
    # Through the enterprise's address: not a member.
    assert client.post(action(sides.enterprise, collaboration, verb)).status_code == 404
    # Forged numbers, through an organisation of their own.
    assert client.post(url(sides.third, f"999999/{verb}/")).status_code == 404
    assert client.post(url(sides.third, f"{10**30}/{verb}/")).status_code == 404

    assert Collaboration.objects.values().get() == before


@pytest.mark.parametrize("verb", ["confirm", "dispute", "end", "withdraw"])
def test_acting_on_a_collaboration_is_post_only(client, sides, verb):
    collaboration = declare(sides)
    log_in_as(client, sides.enterprise_owner)

    assert client.get(action(sides.enterprise, collaboration, verb)).status_code == 405


def test_the_other_side_disputes_with_a_note_and_it_does_not_count(client, sides):
    collaboration = declare(sides)
    log_in_as(client, sides.enterprise_editor)

    response = client.post(
        action(sides.enterprise, collaboration, "dispute"),
        {"note": "Wij kennen deze bakkerij niet."},
    )

    assert response.status_code == 302
    collaboration.refresh_from_db()
    assert collaboration.disputed_at is not None
    assert collaboration.dispute_note == "Wij kennen deze bakkerij niet."
    assert not Collaboration.objects.confirmed().exists()
    told = notifications(key__contains=":disputed:")
    assert {n.recipient for n in told} == {sides.firm_owner, sides.firm_editor}
    assert "Wij kennen deze bakkerij niet." in told.first().body
    # Both sides see it as disputed.
    log_in_as(client, sides.firm_owner)
    assert list(client.get(url(sides.firm)).context["disputed"]) == [collaboration]


def test_the_note_is_optional(client, sides):
    collaboration = declare(sides)
    log_in_as(client, sides.enterprise_owner)

    client.post(action(sides.enterprise, collaboration, "dispute"))

    collaboration.refresh_from_db()
    assert collaboration.disputed_at is not None
    assert collaboration.dispute_note == ""


def test_a_note_too_long_comes_back_with_the_error_and_nothing_changes(client, sides):
    collaboration = declare(sides)
    log_in_as(client, sides.enterprise_owner)

    response = client.post(action(sides.enterprise, collaboration, "dispute"), {"note": "x" * 2001})

    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    collaboration.refresh_from_db()
    assert collaboration.disputed_at is None


def test_the_declaring_side_cannot_dispute_its_own_declaration(client, sides):
    collaboration = declare(sides)
    log_in_as(client, sides.firm_owner)

    response = client.post(action(sides.firm, collaboration, "dispute"), follow=True)

    assert "it can no longer be disputed" in response.content.decode()
    collaboration.refresh_from_db()
    assert collaboration.disputed_at is None


def test_a_dispute_is_not_repeated_but_can_be_confirmed_after_all(client, sides):
    collaboration = declare(sides)
    collaboration = collaborations.dispute(
        collaboration, organisation=sides.enterprise, by=sides.enterprise_owner, note="Nee"
    )
    log_in_as(client, sides.enterprise_editor)

    again = client.post(action(sides.enterprise, collaboration, "dispute"), follow=True)
    assert "already disputed" in again.content.decode()

    client.post(action(sides.enterprise, collaboration, "confirm"))

    collaboration.refresh_from_db()
    assert collaboration.disputed_at is None
    assert collaboration.dispute_note == ""
    assert list(Collaboration.objects.confirmed()) == [collaboration]


# --- Ending and withdrawing ------------------------------------------------------------------


@pytest.fixture
def confirmed(sides):
    collaboration = declare(sides)
    return collaborations.confirm(
        collaboration, organisation=sides.enterprise, by=sides.enterprise_owner
    )


@pytest.mark.parametrize("who", ["firm_editor", "enterprise_editor"])
def test_either_side_ends_a_running_collaboration(client, sides, confirmed, who):
    organisation = sides.firm if who == "firm_editor" else sides.enterprise
    log_in_as(client, getattr(sides, who))

    response = client.post(action(organisation, confirmed, "end"), {"ended": "2024-12-31"})

    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.ended == date(2024, 12, 31)
    # Still confirmed: it counts for the years it ran.
    assert list(Collaboration.objects.confirmed()) == [confirmed]


@pytest.mark.parametrize(
    ("ended", "text"),
    [
        ("in-days:1", "The end cannot lie in the future."),
        ("2020-03-31", "comes before the start"),
        ("nooit", "Enter a valid date."),
        ("", "This field is required."),
    ],
)
def test_a_bad_end_comes_back_with_the_reason(client, sides, confirmed, ended, text):
    if ended == "in-days:1":
        ended = (timezone.localdate() + timedelta(days=1)).isoformat()
    log_in_as(client, sides.firm_owner)

    response = client.post(action(sides.firm, confirmed, "end"), {"ended": ended})

    assert response.status_code == 200
    assert text in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.ended is None


def test_an_ended_collaboration_cannot_be_ended_again(client, sides, confirmed):
    collaborations.end(
        confirmed, organisation=sides.firm, by=sides.firm_owner, ended=date(2022, 1, 31)
    )
    log_in_as(client, sides.enterprise_owner)

    response = client.post(
        action(sides.enterprise, confirmed, "end"), {"ended": "2023-01-01"}, follow=True
    )

    assert "already ended on 31 January 2022" in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.ended == date(2022, 1, 31)


def test_a_side_that_has_not_confirmed_cannot_end_it(client, sides):
    collaboration = declare(sides)
    log_in_as(client, sides.enterprise_owner)

    response = client.post(
        action(sides.enterprise, collaboration, "end"), {"ended": "2024-01-01"}, follow=True
    )

    assert "Only a collaboration your organisation has confirmed" in response.content.decode()
    collaboration.refresh_from_db()
    assert collaboration.ended is None


def test_the_declaring_side_withdraws_an_unconfirmed_declaration(client, sides):
    collaboration = declare(sides)
    log_in_as(client, sides.firm_owner)  # any member of the declaring side, not only its author

    response = client.post(action(sides.firm, collaboration, "withdraw"))

    assert response.status_code == 302
    assert response["Location"] == url(sides.firm)
    assert not Collaboration.objects.exists()


def test_a_disputed_declaration_can_be_withdrawn(sides):
    collaboration = declare(sides)
    collaborations.dispute(collaboration, organisation=sides.enterprise, by=sides.enterprise_owner)

    collaborations.withdraw(collaboration, organisation=sides.firm, by=sides.firm_editor)

    assert not Collaboration.objects.exists()


def test_the_other_side_cannot_withdraw_and_a_confirmed_one_cannot_be_withdrawn(
    client, sides, confirmed
):
    pending = declare(sides, started=date(2021, 1, 1))
    log_in_as(client, sides.enterprise_owner)

    refused = client.post(action(sides.enterprise, pending, "withdraw"), follow=True)
    log_in_as(client, sides.firm_owner)
    client.post(action(sides.firm, confirmed, "withdraw"))

    assert "Only a declaration of your own" in refused.content.decode()
    assert Collaboration.objects.count() == 2


def test_a_collaboration_the_portal_recorded_cannot_be_withdrawn(sides):
    recorded = collaborations.record(
        regular=sides.firm,
        social=sides.enterprise,
        role="client",
        category=category(),
        started=date(2024, 1, 1),
        channel="service_request",
        source="service_request",
    )

    with pytest.raises(ValidationError):
        collaborations.withdraw(recorded, organisation=sides.firm, by=sides.firm_owner)
    assert Collaboration.objects.count() == 1


# --- The organisation's page, the dashboard, the profiles --------------------------------------


def test_each_side_sees_its_collaborations_by_state(client, sides, confirmed):
    waiting = declare(sides, started=date(2021, 1, 1))
    disputed = declare(
        sides,
        organisation=sides.enterprise,
        other=sides.firm,
        by=sides.enterprise_owner,
        started=date(2022, 1, 1),
    )
    collaborations.dispute(disputed, organisation=sides.firm, by=sides.firm_owner, note="Onbekend")

    log_in_as(client, sides.firm_editor)
    firm_page = client.get(url(sides.firm))
    log_in_as(client, sides.enterprise_editor)
    enterprise_page = client.get(url(sides.enterprise))

    assert list(firm_page.context["awaiting_us"]) == []
    assert list(firm_page.context["awaiting_them"]) == [waiting]
    assert list(firm_page.context["disputed"]) == [disputed]
    assert list(firm_page.context["confirmed"]) == [confirmed]
    assert list(enterprise_page.context["awaiting_us"]) == [waiting]
    assert list(enterprise_page.context["awaiting_them"]) == []
    assert list(enterprise_page.context["disputed"]) == [disputed]
    html = enterprise_page.content.decode()
    assert f'action="{action(sides.enterprise, waiting, "confirm")}"' in html
    assert f'action="{action(sides.enterprise, waiting, "dispute")}"' in html
    assert f'action="{action(sides.enterprise, confirmed, "end")}"' in html
    # The enterprise declared the disputed one: it may withdraw it; the firm may confirm it.
    assert f'action="{action(sides.enterprise, disputed, "withdraw")}"' in html
    assert f'action="{action(sides.firm, disputed, "confirm")}"' in firm_page.content.decode()
    assert "Onbekend" in html


def test_the_page_is_for_members_only(client, sides):
    declare(sides)

    assert client.get(url(sides.firm)).status_code == 302
    log_in_as(client, sides.stranger)
    assert client.get(url(sides.firm)).status_code == 404
    log_in_as(client, sides.third_owner)
    assert client.get(url(sides.firm)).status_code == 404


# The session and the user, the membership; the four states, and the count of confirmed ones.
PAGE_QUERIES = 8


def test_the_page_runs_a_fixed_number_of_queries(
    client, sides, confirmed, django_assert_num_queries
):
    log_in_as(client, sides.firm_editor)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url(sides.firm))

    others = [SocialEnterpriseFactory() for _ in range(12)]
    for n, other in enumerate(others):
        made = declare(sides, other=other, started=date(2015 + n % 8, 1 + n, 1))
        if n % 3 == 0:
            collaborations.confirm(
                made, organisation=other, by=OwnerFactory(organisation=other).user
            )
        elif n % 3 == 1:
            collaborations.dispute(
                made, organisation=other, by=OwnerFactory(organisation=other).user
            )
        declare(
            sides,
            organisation=other,
            other=sides.firm,
            by=OwnerFactory(organisation=other).user,
            role="partner",
        )

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url(sides.firm))
    assert len(response.context["awaiting_us"]) == 12
    assert len(response.context["awaiting_them"]) == 4
    assert len(response.context["disputed"]) == 4
    assert len(response.context["confirmed"]) == 5


def test_the_dashboard_lists_declarations_to_confirm_for_the_other_side(client, sides):
    collaboration = declare(sides)

    log_in_as(client, sides.enterprise_editor)
    page = client.get("/en/dashboard/").content.decode()
    log_in_as(client, sides.firm_editor)
    declarer_page = client.get("/en/dashboard/").content.decode()

    assert "Collaborations to confirm" in page
    assert "<strong>Bakkerij Tongeren</strong> says it works with Groenwerk Leuven" in page
    assert f'action="{action(sides.enterprise, collaboration, "confirm")}"' in page
    assert "Collaborations to confirm" not in declarer_page


def test_confirming_from_the_dashboard_returns_there(client, sides):
    collaboration = declare(sides)
    log_in_as(client, sides.enterprise_editor)

    response = client.post(
        action(sides.enterprise, collaboration, "confirm"), {"next": "/en/dashboard/"}
    )

    assert response["Location"] == "/en/dashboard/"
    assert "Collaborations to confirm" not in client.get("/en/dashboard/").content.decode()


def test_the_dashboard_section_costs_one_query_however_many_wait(
    client, sides, django_assert_num_queries
):
    log_in_as(client, sides.enterprise_editor)
    with CaptureQueriesContext(connection) as empty:
        client.get("/en/dashboard/")
    declare(sides)
    for _ in range(14):
        firm = OrganisationFactory()
        declare(sides, organisation=firm, by=OwnerFactory(organisation=firm).user)

    with django_assert_num_queries(len(empty)):
        page = client.get("/en/dashboard/").content.decode()
    # Ten on the dashboard, and a word that more wait.
    assert page.count("says it works with") == 10
    assert "More are waiting" in page


def test_profiles_show_confirmed_collaborations_only_when_both_sides_allow(client, sides):
    shown = declare(sides)
    collaborations.confirm(shown, organisation=sides.enterprise, by=sides.enterprise_owner)
    declare(sides, started=date(2021, 1, 1))  # waiting
    disputed = declare(sides, started=date(2022, 1, 1))
    collaborations.dispute(disputed, organisation=sides.enterprise, by=sides.enterprise_owner)
    profile = f"/en/organisations/{sides.enterprise.slug}/"

    assert len(client.get(profile).context["collaborations"]) == 1
    assert "Bakkerij Tongeren" in client.get(profile).content.decode()

    sides.firm.show_collaborations = False
    sides.firm.save()

    assert len(client.get(profile).context["collaborations"]) == 0
    assert "Bakkerij Tongeren" not in client.get(profile).content.decode()
    firm_profile = client.get(f"/en/organisations/{sides.firm.slug}/").content.decode()
    assert "Works together with" not in firm_profile


def test_members_find_the_collaborations_page_from_the_profile_and_the_tabs(client, sides):
    log_in_as(client, sides.firm_editor)

    profile = client.get(f"/en/organisations/{sides.firm.slug}/").content.decode()
    tabs = client.get(url(sides.firm, "declare/")).content.decode()

    assert f'href="{url(sides.firm)}"' in profile
    assert f'href="{url(sides.firm)}" aria-current="page"' in tabs


# --- Admin ---------------------------------------------------------------------------------------


def test_administrators_list_filter_and_search_collaborations(client, sides, confirmed):
    declare(sides, started=date(2021, 1, 1))
    log_in_as(client, StaffFactory(is_superuser=True))

    everything = client.get("/admin/companies/collaboration/")
    waiting = client.get("/admin/companies/collaboration/", {"state": "waiting"})
    by_number = client.get(
        "/admin/companies/collaboration/",
        {"q": sides.enterprise.enterprise_number_display},
    )

    assert everything.context["cl"].result_count == 2
    assert waiting.context["cl"].result_count == 1
    assert by_number.context["cl"].result_count == 2
    for params in [
        {"channel__exact": "directory"},
        {"source__exact": "manual"},
        {"role__exact": "client"},
    ]:
        assert client.get("/admin/companies/collaboration/", params).context["cl"].result_count == 2


def test_regisseurs_see_their_regions_collaborations_read_only(client, sides, confirmed):
    far_firm = OrganisationFactory(name="Firma Brugge", postcode=postcode("8000"))
    far_enterprise = SocialEnterpriseFactory(name="Werkplaats Kortrijk", postcode=postcode("8500"))
    far = declare(
        sides,
        organisation=far_firm,
        other=far_enterprise,
        by=OwnerFactory(organisation=far_firm).user,
    )
    regisseur = StaffFactory()
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(regisseur)  # Tongeren
    log_in_as(client, regisseur)

    listing = client.get("/admin/companies/collaboration/")
    mine = client.get(f"/admin/companies/collaboration/{confirmed.pk}/change/")
    other = client.get(f"/admin/companies/collaboration/{far.pk}/change/")

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [confirmed]
    assert mine.status_code == 200
    assert not mine.context["has_change_permission"]
    assert other.status_code == 302  # the admin sends an object it cannot find back to the list
    saved = client.post(
        f"/admin/companies/collaboration/{confirmed.pk}/change/", {"role": "partner"}
    )
    assert saved.status_code == 403
    confirmed.refresh_from_db()
    assert confirmed.role == "client"


def test_staff_without_regions_or_permissions_see_no_collaborations(client, sides, confirmed):
    log_in_as(client, StaffFactory())

    assert client.get("/admin/companies/collaboration/").status_code == 403


def test_emails_are_written_in_the_recipients_language(sides):
    sides.enterprise_owner.language = "fr"
    sides.enterprise_owner.save()

    with translation.override("en"):
        collaboration = declare(sides)

    french = notifications(recipient=sides.enterprise_owner).get()
    assert french.language == "fr"
    assert (
        f"/fr/organisations/{sides.enterprise.slug}/collaborations/#collaboration-{collaboration.pk}"
        in french.body
    )


# --- One row per collaboration: pair, role, category and start -------------------------------


@pytest.mark.parametrize("slug", ["groenonderhoud", None], ids=["a-category", "no-category"])
def test_the_database_holds_one_row_per_pair_role_category_and_start(sides, slug):
    fields = {
        "regular": sides.firm,
        "social": sides.enterprise,
        "role": "client",
        "category": category(slug) if slug else None,
        "started": date(2016, 1, 1),
        "channel": "regie",
        "source": "import",
    }
    Collaboration.objects.create(**fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        Collaboration.objects.create(**{**fields, "channel": "other", "ended": date(2017, 1, 1)})

    Collaboration.objects.create(**{**fields, "role": "partner"})
    Collaboration.objects.create(**{**fields, "started": date(2016, 1, 2)})
    assert Collaboration.objects.count() == 3


@pytest.mark.parametrize("slug", ["groenonderhoud", None], ids=["a-category", "no-category"])
def test_the_admin_answers_a_twin_with_a_form_error(client, sides, slug):
    first = declare(sides, category=category(slug) if slug else None)
    log_in_as(client, StaffFactory(is_superuser=True))
    empty = {
        f"{name}_{part}": ""
        for name in ("confirmed_by_regular_at", "confirmed_by_social_at", "disputed_at")
        for part in (0, 1)
    }

    response = client.post(
        "/admin/companies/collaboration/add/",
        {
            "regular": sides.firm.pk,
            "social": sides.enterprise.pk,
            "role": "client",
            "category": first.category_id or "",
            "started": "2020-04-01",
            "ended": "",
            "channel": "regie",
            "source": "import",
            "declared_by": "",
            "dispute_note": "",
            **empty,
        },
    )

    assert response.status_code == 200
    with translation.override("nl"):  # the admin speaks the portal's language
        expected = translation.gettext(
            "This collaboration is already in the register: the same organisations, role, "
            "service and start."
        )
    assert expected in response.content.decode()
    assert list(Collaboration.objects.all()) == [first]


@pytest.mark.parametrize("state", ["waiting", "disputed"])
def test_recording_what_a_member_declared_with_the_same_start_is_that_collaboration(sides, state):
    declared = declare(sides)
    if state == "disputed":
        collaborations.dispute(declared, organisation=sides.enterprise, by=sides.enterprise_owner)

    recorded = collaborations.record(
        regular=sides.firm,
        social=sides.enterprise,
        role="client",
        category=category(),
        started=date(2020, 4, 1),
        channel="voucher",
        source="voucher",
    )

    assert recorded.pk == declared.pk
    assert Collaboration.objects.count() == 1
    assert list(Collaboration.objects.confirmed()) == [declared]
    declared.refresh_from_db()
    assert (declared.disputed_at, declared.dispute_note) == (None, "")
    assert (declared.channel, declared.source) == ("directory", "manual")


@pytest.fixture
def reloaded_reference_data(transactional_reference_data):
    """A transactional test starts empty: the reference data again, before `sides`."""


def waiting_for(transaction_holder_connection):
    """Whether another connection waits for the open transaction of this one (PostgreSQL)."""
    with transaction_holder_connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks AS waiting JOIN pg_locks AS mine "
            "ON waiting.transactionid = mine.transactionid "
            "WHERE waiting.locktype = 'transactionid' AND NOT waiting.granted "
            "AND mine.pid = pg_backend_pid() AND mine.granted)"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_declaration_while_an_import_of_the_same_collaboration_writes_finds_the_imported_one(
    client, reloaded_reference_data, sides
):
    """The import has written and not yet committed when the declaration comes: the
    declaration waits for it (both lock the firm's row), then points to the imported row."""
    csv = (
        "regular_enterprise_number;social_enterprise_number;role;category;started;ended;channel\n"
        f"{sides.firm.enterprise_number};{sides.enterprise.enterprise_number};client;"
        "groenonderhoud;2020-04-01;;regie\n"
    )
    written = threading.Event()
    imported = []

    def import_the_same():
        try:
            with transaction.atomic():
                result = collaboration_import.import_collaborations(csv.encode())
                imported.append(Collaboration.objects.get(source="import"))
                written.set()
                deadline = time.monotonic() + 60
                while not waiting_for(connection) and time.monotonic() < deadline:
                    time.sleep(0.02)
            imported.append(result.imported)
        finally:
            connection.close()

    importer = threading.Thread(target=import_the_same)
    importer.start()
    assert written.wait(timeout=60)
    log_in_as(client, sides.firm_editor)

    response = client.post(url(sides.firm, "declare/"), form_data(sides.enterprise))
    importer.join()

    collaboration, count = imported
    assert count == 1
    assert response.status_code == 302
    assert response["Location"] == f"{url(sides.firm)}#collaboration-{collaboration.pk}"
    assert list(Collaboration.objects.values_list("pk", flat=True)) == [collaboration.pk]
    assert not notifications().exists()
    messages = [str(m) for m in client.get(url(sides.firm)).context["messages"]]
    assert any("already in the register" in message for message in messages)


# Migrating back and forth takes minutes on SQLite (each change rebuilds its tables), and the
# migration has no branch per database.
@pytest.mark.once
@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_twins_into_one_row_before_adding_the_constraint(
    reloaded_reference_data, sides
):
    from django.db.models.signals import post_save

    from companies.models import _collaboration_changed
    from tests.factories import VoucherFactory
    from vouchers.models import Voucher

    call_command("migrate", "companies", "0008", verbosity=0)
    # Today's models write on the schema of 0008: the completeness score that a saved
    # collaboration refreshes (a column of a later migration) stays out of it.
    post_save.disconnect(_collaboration_changed, sender=Collaboration)
    try:
        moment = timezone.now()
        later = moment + timedelta(hours=1)
        same = {"regular": sides.firm, "social": sides.enterprise, "role": "client"}
        # Declared by each side on its own: each confirmed its half.
        by_firm = Collaboration.objects.create(
            **same,
            category=category(),
            started=date(2019, 1, 1),
            channel="directory",
            declared_by=sides.firm_editor,
            confirmed_by_regular_at=moment,
        )
        by_enterprise = Collaboration.objects.create(
            **same,
            category=category(),
            started=date(2019, 1, 1),
            channel="regie",
            declared_by=sides.enterprise_editor,
            confirmed_by_social_at=later,
        )
        # The two sides exist already: a new organisation would be written by today's model.
        voucher = VoucherFactory(
            collaboration=by_enterprise, applicant=sides.firm, provider=sides.enterprise
        )
        # Without a category: a declaration the enterprise disputes, and an import.
        disputed = Collaboration.objects.create(
            **same,
            started=date(2018, 1, 1),
            channel="directory",
            confirmed_by_regular_at=moment,
            disputed_at=later,
            dispute_note="Nooit gebeurd",
        )
        imported = Collaboration.objects.create(
            **same,
            started=date(2018, 1, 1),
            channel="other",
            source="import",
            confirmed_by_regular_at=later,
            confirmed_by_social_at=later,
            import_key="a" * 64,
        )
        other_start = Collaboration.objects.create(
            **same, started=date(2018, 1, 2), channel="other"
        )
    finally:
        post_save.connect(_collaboration_changed, sender=Collaboration)
        # Every app: going back to 0008 also unapplied the apps whose migrations depend on a
        # later one of companies (events), and they must be there for the tests after this.
        call_command("migrate", verbosity=0)

    assert set(Collaboration.objects.values_list("pk", flat=True)) == {
        by_firm.pk,
        imported.pk,
        other_start.pk,
    }
    by_firm.refresh_from_db()
    assert (by_firm.confirmed_by_regular_at, by_firm.confirmed_by_social_at) == (moment, later)
    assert by_firm.channel == "directory"
    assert Voucher.objects.get(pk=voucher.pk).collaboration_id == by_firm.pk
    imported.refresh_from_db()
    assert imported.disputed_at is None and imported.import_key == "a" * 64
    assert not Collaboration.objects.filter(pk=disputed.pk).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Collaboration.objects.create(**same, started=date(2018, 1, 1), channel="regie")
