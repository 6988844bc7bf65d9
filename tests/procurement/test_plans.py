"""Issue 23, item 2: a buyer's saved plans: who sees them, and a plan of 200 lines analysed in
the queries of a plan of 10."""

import pytest
from django.urls import reverse

from portal.models import ServiceCategory
from procurement.models import PlanLine, PurchasingPlan
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    postcode,
    reference_rows_in_memory,
)

from .conftest import enterprise

pytestmark = pytest.mark.django_db


def make_plan(organisation, length, title="Aankoopplan 2027"):
    plan = PurchasingPlan.objects.create(organisation=organisation, title=title)
    categories = list(ServiceCategory.objects.filter(slug__in=["groenonderhoud", "schoonmaak"]))
    codes = ["3500", "3700", "2000", "9000", "8000"]
    PlanLine.objects.bulk_create(
        PlanLine(
            plan=plan,
            position=n,
            subject=f"Aankoop {n}",
            category=categories[n % 2],
            postcode=postcode(codes[n % len(codes)]),
            amount=1000 + n,
        )
        for n in range(1, length + 1)
    )
    return plan


def url(plan, **params):
    return reverse("procurement:plan_detail", kwargs={"code": plan.code})


def test_members_see_their_plans_and_nobody_else(client, school, teacher, reference_data):
    plan = make_plan(school, 2)
    other_school = OrganisationFactory(kind="school", name="Andere school")
    other_plan = make_plan(other_school, 1, title="Niet van ons")

    client.force_login(teacher)
    listed = client.get(reverse("procurement:plan_list"))
    assert list(listed.context["plans"]) == [plan]
    assert client.get(url(plan)).status_code == 200
    assert client.get(url(other_plan)).status_code == 404
    assert client.get(url(plan).replace(plan.code, "geen-code")).status_code == 404

    other_member = MembershipFactory(organisation=other_school).user
    client.force_login(other_member)
    assert client.get(url(plan)).status_code == 404

    client.logout()
    assert client.get(url(plan)).status_code == 302


def test_a_saved_plan_gives_its_sheet_and_csv(client, school, teacher, three_gardeners):
    plan = make_plan(school, 3)
    client.force_login(teacher)
    sheet = client.get(url(plan), {"format": "print"}).content.decode()
    assert "Aankoopplan 2027" in sheet and school.name in sheet
    download = client.get(url(plan), {"format": "csv"})
    rows = b"".join(download.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 4


# The session and the user; the plan (through the membership); its lines; the eligibility table,
# the services in the plan's categories, their enterprises' recognitions; the sheet adds the
# model clauses.
QUERIES = {None: 7, "print": 8, "csv": 7}


@pytest.mark.parametrize("fmt", [None, "print", "csv"])
def test_a_plan_of_200_lines_takes_the_queries_of_a_plan_of_10(
    client, school, teacher, reference_data, django_assert_num_queries, fmt
):
    for code in ("3500", "3700", "9000"):
        enterprise(code=code)
        enterprise("werkervaring", code=code, slug="schoonmaak")
    small, large = make_plan(school, 10), make_plan(school, 200, title="Groot plan")
    client.force_login(teacher)
    params = {"format": fmt} if fmt else {}
    for plan in (small, large):
        reference_rows_in_memory()
        with django_assert_num_queries(QUERIES[fmt]):
            response = client.get(url(plan), params)
            if fmt == "csv":
                b"".join(response.streaming_content)
        assert response.status_code == 200
