"""Issue 23, item 4: a buyer records what it did with a line; an award to a listed social
enterprise enters the collaboration register and waits for the supplier's confirmation."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from companies import collaborations
from companies.models import Collaboration
from portal.models import Notification, ServiceCategory
from procurement import outcomes
from procurement.models import NO_SOCIAL_ROUTE, PlanLine, PurchasingPlan, Route
from tests.factories import MembershipFactory, OrganisationFactory, OwnerFactory, postcode

from .conftest import enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(school):
    plan = PurchasingPlan.objects.create(organisation=school, title="Aankoopplan 2027")
    return PlanLine.objects.create(
        plan=plan,
        position=1,
        subject="Maaien van de schoolsite",
        category=ServiceCategory.objects.get(slug="groenonderhoud"),
        postcode=postcode("3500"),
    )


@pytest.fixture
def gardener(reference_data):
    supplier = enterprise()
    OwnerFactory(organisation=supplier)
    return supplier


def record_url(line):
    return reverse(
        "procurement:record_outcome", kwargs={"code": line.plan.code, "position": line.position}
    )


def test_an_award_enters_the_register_for_the_supplier_to_confirm(
    client, line, teacher, gardener, school
):
    client.force_login(teacher)
    response = client.post(
        record_url(line),
        {"outcome-1-outcome": Route.RESERVED_CONTRACT, "outcome-1-supplier": gardener.slug},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.outcome, line.supplier, line.outcome_recorded_by) == (
        Route.RESERVED_CONTRACT,
        gardener,
        teacher,
    )
    collaboration = line.collaboration
    assert (collaboration.regular, collaboration.social, collaboration.role) == (
        school,
        gardener,
        "client",
    )
    assert (collaboration.channel, collaboration.source) == ("public_procurement", "procurement")
    assert collaboration.category.slug == "groenonderhoud"
    assert collaboration.confirmed_by_regular_at is not None
    assert collaboration.confirmed_by_social_at is None
    # The supplier's members are asked to confirm, as for every declaration.
    assert Notification.objects.filter(
        kind="collaboration", recipient__memberships__organisation=gardener
    ).exists()

    page = client.get(reverse("procurement:plan_detail", kwargs={"code": line.plan.code}))
    assert "Awaiting the supplier’s confirmation" in page.content.decode()

    owner = gardener.memberships.get().user
    collaborations.confirm(collaboration, organisation=gardener, by=owner)
    page = client.get(reverse("procurement:plan_detail", kwargs={"code": line.plan.code}))
    assert "Confirmed by the supplier" in page.content.decode()
    assert Collaboration.objects.confirmed().filter(channel="public_procurement").count() == 1


def test_a_route_without_a_supplier_is_only_recorded(client, line, teacher):
    client.force_login(teacher)
    client.post(record_url(line), {"outcome-1-outcome": NO_SOCIAL_ROUTE})
    line.refresh_from_db()
    assert line.outcome == NO_SOCIAL_ROUTE
    assert line.collaboration is None
    assert not Collaboration.objects.exists()


def test_an_outcome_is_recorded_once(line, teacher, gardener):
    outcomes.record(line, outcome=Route.EXECUTION_CLAUSE, by=teacher)
    with pytest.raises(ValidationError, match="already recorded"):
        outcomes.record(line, outcome=Route.RESERVED_LOT, supplier=gardener, by=teacher)
    assert not Collaboration.objects.exists()


def test_a_supplier_needs_a_social_route(line, teacher, gardener):
    with pytest.raises(ValidationError, match="choose the route"):
        outcomes.record(line, outcome=NO_SOCIAL_ROUTE, supplier=gardener, by=teacher)


def test_a_regular_firm_is_no_supplier_of_a_social_route(line, teacher):
    firm = OrganisationFactory(kind="regular")
    with pytest.raises(ValidationError, match="is not a social-economy enterprise"):
        outcomes.record(line, outcome=Route.AWARD_CRITERION, supplier=firm, by=teacher)
    line.refresh_from_db()
    assert line.outcome == ""


def test_a_start_in_the_future_is_refused_with_a_message(client, line, teacher, gardener):
    client.force_login(teacher)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        record_url(line),
        {
            "outcome-1-outcome": Route.RESERVED_CONTRACT,
            "outcome-1-supplier": gardener.slug,
            "outcome-1-started": tomorrow.isoformat(),
        },
        follow=True,
    )
    assert "The start lies in the future" in response.content.decode()
    line.refresh_from_db()
    assert line.outcome == ""


def test_bad_values_are_refused_in_words(client, line, teacher):
    client.force_login(teacher)
    response = client.post(
        record_url(line),
        {"outcome-1-outcome": "everything", "outcome-1-supplier": "<nobody>"},
        follow=True,
    )
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.outcome == ""


def test_only_the_buyers_members_record(client, line, gardener):
    assert client.post(record_url(line), {}).status_code == 302  # to the login page
    other = MembershipFactory(organisation=OrganisationFactory(kind="school")).user
    client.force_login(other)
    response = client.post(record_url(line), {"outcome-1-outcome": NO_SOCIAL_ROUTE})
    assert response.status_code == 404
    client.force_login(gardener.memberships.get().user)
    assert client.post(record_url(line), {"outcome-1-outcome": NO_SOCIAL_ROUTE}).status_code == 404
    line.refresh_from_db()
    assert line.outcome == ""
