"""Issue 23, item 6: joint answers. A line may name several places of delivery; an enterprise
carries it when it reaches every place and can take on the amount; when none does alone, the
smallest combinations of 2 or 3 that do together are suggested, and the buyer writes to them
together (procurement/advice.py, plans.py, views.contact_together)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from companies import contact
from companies.models import OfferedService
from portal.models import ServiceCategory
from procurement import advice, plans
from procurement.models import PlanLine, PurchasingPlan
from tests.factories import MembershipFactory, OrganisationFactory, listed_organisation, postcode

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

# Three places far apart (Hasselt, Brugge, Gent: 45 km and more between any two).
HASSELT, BRUGGE, GENT = "3500", "8000", "9000"


def gardener(code, *, radius=10, verified=True, capacity=None, name=None):
    organisation = listed_organisation(
        recognitions=["maatwerkbedrijf"],
        code=code,
        verified_at=timezone.now() if verified else None,
        **({"name": name} if name else {}),
    )
    OfferedService.objects.create(
        organisation=organisation,
        category=ServiceCategory.objects.get(slug="groenonderhoud"),
        radius_km=radius,
        max_order_amount=capacity,
    )
    return organisation


def entry(*codes, amount=None, position=1):
    found = [postcode(code) for code in codes]
    return plans.Entry(
        position=position,
        subject="Groenonderhoud van de scholengroep",
        category=ServiceCategory.objects.get(slug="groenonderhoud"),
        postcode=found[0],
        places=found,
        amount=amount,
    )


def members(joint):
    return {member.organisation for member in joint.members}


# --- Several places of delivery ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Hasselt; Genk; Bilzen", ["3500", "3600", "3740"]),
        ("3500, 3600, 3740", ["3500", "3600", "3740"]),
        ("3500 3600", ["3500", "3600"]),
        ("3700 Tongeren", ["3700"]),
        ("Hasselt;3500 ; hasselt", ["3500"]),  # each place once
        ("Gent\nBrugge", ["9000", "8000"]),
    ],
)
def test_several_places_are_read_by_postcode_or_name(reference_data, text, codes):
    found, problems = plans.delivery_places(text)
    assert problems == []
    assert [place.code for place in found] == codes


def test_each_unknown_place_is_reported(reference_data):
    found, problems = plans.delivery_places("Hasselt; Nergensdorp; 0000")
    assert problems == [
        "We do not know the place “Nergensdorp”. Enter a municipality, a part of one or a "
        "postcode.",
        "“0000” is not a Belgian postcode",
    ]
    too_many = "; ".join(["3500", "3600", "3700", "3740", "8000", "9000", "2000"] * 2)
    assert "at most 10 places" in plans.delivery_places(too_many)[1][0]
    assert "longer than 300" in plans.delivery_places("3500;" * 80)[1][0]


def test_the_entry_form_takes_several_places(client, reference_data):
    client.post(
        "/en/buying/",
        {
            "action": "add",
            "purchase-subject": "Maaien",
            "purchase-category": "groenonderhoud",
            "purchase-postcode": "Hasselt; Genk",
        },
    )
    [line] = client.get("/en/buying/").context["lines"]
    assert [place.code for place in line.entry.places] == ["3500", "3600"]
    assert client.session["buying_draft"][0]["postcode"] == "3500; 3600"

    bad = client.post(
        "/en/buying/",
        {
            "action": "add",
            "purchase-subject": "Maaien",
            "purchase-category": "groenonderhoud",
            "purchase-postcode": "Hasselt; Nergensdorp",
        },
    )
    assert "Nergensdorp" in " ".join(bad.context["purchase_form"].errors["postcode"])


def test_an_upload_reports_bad_places_per_line_and_a_buyer_keeps_the_places(client, reference_data):
    school = OrganisationFactory(kind="school", name="Scholengroep Limburg")
    client.force_login(MembershipFactory(organisation=school).user)
    bad = csv_bytes(
        [
            ["Maaien", "", "groenonderhoud", '"Hasselt; Genk; Bilzen"', "", ""],
            ["Poetsen", "", "schoonmaak", "3500, Nergensdorp", "", ""],
        ]
    )
    response = client.post("/en/buying/", {"action": "upload", "upload-file": _file(bad)})
    errors = [str(error) for error in response.context["file_errors"]]
    assert errors == [
        "line 3: We do not know the place “Nergensdorp”. Enter a municipality, a part of one "
        "or a postcode."
    ]
    assert PurchasingPlan.objects.count() == 0

    good = csv_bytes([["Maaien", "", "groenonderhoud", '"Hasselt; Genk; Bilzen"', "", ""]])
    client.post("/en/buying/", {"action": "upload", "upload-file": _file(good)})
    line = PlanLine.objects.get()
    assert (line.postcode.code, line.further_places) == ("3500", ["3600", "3740"])
    page = client.get(reverse("procurement:plan_detail", kwargs={"code": line.plan.code}))
    [advised] = page.context["lines"]
    assert [place.code for place in advised.entry.places] == ["3500", "3600", "3740"]


def _file(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("plan.csv", content)


# --- Carrying a line, and the combinations --------------------------------------------------


def test_an_enterprise_carries_a_line_when_it_reaches_every_place(reference_data):
    everywhere = gardener(HASSELT, radius=None)
    gardener(HASSELT)  # reaches Hasselt only

    [line] = advice.analyse([entry(HASSELT, BRUGGE)])
    assert line.total == 1
    assert [found.organisation for found in line.enterprises] == [everywhere]
    # Somebody carries it: no joint answer is looked for.
    assert line.joints == [] and line.route != advice.JOINT


def test_two_that_reach_a_place_each_carry_it_together(reference_data):
    in_hasselt, in_brugge = gardener(HASSELT), gardener(BRUGGE)

    [line] = advice.analyse([entry(HASSELT, BRUGGE)])
    assert line.total == 0
    assert line.route == advice.JOINT
    [joint] = line.joints
    assert members(joint) == {in_hasselt, in_brugge}
    reach = {
        member.organisation: [place.code for place in member.places] for member in joint.members
    }
    assert reach == {in_hasselt: [HASSELT], in_brugge: [BRUGGE]}
    assert line.reason == (
        "No single eligible enterprise reaches all 2 places for green maintenance; 2 together "
        "do: a joint answer (tijdelijke handelsvereniging) or lots per area."
    )


def test_three_places_need_three_and_no_combination_holds_one_too_many(reference_data):
    in_hasselt, in_brugge, in_gent = gardener(HASSELT), gardener(BRUGGE), gardener(GENT)
    second_in_gent = gardener(GENT)

    [line] = advice.analyse([entry(HASSELT, BRUGGE, GENT)])
    assert [members(joint) for joint in line.joints] == [
        {in_hasselt, in_brugge, in_gent},
        {in_hasselt, in_brugge, second_in_gent},
    ]
    assert "reaches all 3 places" in line.reason and "3 together do" in line.reason


def test_a_combination_is_minimal(reference_data):
    # Brugge and Gent are 45 km apart: one of 50 km around Brugge reaches both.
    wide = gardener(BRUGGE, radius=50)
    in_hasselt, in_gent = gardener(HASSELT), gardener(GENT)

    [line] = advice.analyse([entry(HASSELT, BRUGGE, GENT)])
    # {wide, in_hasselt} carries it: adding in_gent would make a member too many.
    assert [members(joint) for joint in line.joints] == [{wide, in_hasselt}]
    assert in_gent not in members(line.joints[0])


def test_the_verified_come_first_then_fewer_members_then_the_nearest(reference_data):
    near = gardener(BRUGGE, name="Dichtbij")
    far = gardener("8400", radius=30, name="Verder")  # Oostende, 20-odd km from Brugge
    unverified = gardener(BRUGGE, verified=False, name="Niet geverifieerd")
    in_hasselt = gardener(HASSELT)

    [line] = advice.analyse([entry(HASSELT, BRUGGE)])
    assert [members(joint) for joint in line.joints] == [
        {in_hasselt, near},
        {in_hasselt, far},
        {in_hasselt, unverified},
    ]
    assert [joint.unverified for joint in line.joints] == [0, 0, 1]


def test_the_search_is_bounded(reference_data, monkeypatch):
    for _n in range(4):
        gardener(HASSELT)
        gardener(BRUGGE)
    [line] = advice.analyse([entry(HASSELT, BRUGGE)])
    assert len(line.joints) == advice.JOINT_SUGGESTIONS == 5  # of the 16 pairs

    monkeypatch.setattr(advice, "JOINT_CANDIDATES", 3)
    monkeypatch.setattr(advice, "JOINT_SUGGESTIONS", 10)
    [line] = advice.analyse([entry(HASSELT, BRUGGE, position=2)])
    considered = {member.organisation for joint in line.joints for member in joint.members}
    # Taken in turn per place: two of Hasselt's and one of Brugge's, or the other way round.
    assert len(considered) == 3
    assert len(line.joints) == 2


def test_more_than_three_needed_is_sounding_out(reference_data):
    for code in (HASSELT, BRUGGE, GENT, "2000"):  # Antwerpen
        gardener(code)
    [line] = advice.analyse([entry(HASSELT, BRUGGE, GENT, "2000")])
    assert line.joints == [] and line.route == advice.SOUND_OUT


def test_capacity_limits_a_single_enterprise_and_adds_up_in_a_combination(reference_data):
    small = gardener(HASSELT, capacity=Decimal("40000"))
    smaller = gardener(HASSELT, capacity=Decimal("25000"))

    [fits, too_large, too_large_for_two] = advice.analyse(
        [
            entry(HASSELT, amount=Decimal("30000"), position=1),
            entry(HASSELT, amount=Decimal("60000"), position=2),
            entry(HASSELT, amount=Decimal("70000"), position=3),
        ]
    )
    assert fits.total == 1 and fits.enterprises[0].organisation == small
    assert too_large.total == 0 and too_large.route == advice.JOINT
    assert [members(joint) for joint in too_large.joints] == [{small, smaller}]
    assert too_large.reason == (
        "No single eligible enterprise that reaches 3500 Hasselt can take on € 60,000 of "
        "green maintenance; 2 together can: a joint answer (tijdelijke handelsvereniging) or lots."
    )
    assert too_large_for_two.route == advice.SOUND_OUT


def test_unknown_capacity_does_not_limit(reference_data):
    gardener(HASSELT, capacity=None)
    [line] = advice.analyse([entry(HASSELT, amount=Decimal("9999999"))])
    assert line.total == 1 and line.joints == []


def test_two_hundred_lines_with_places_and_joints_take_three_queries(
    reference_data, django_assert_num_queries
):
    for code in (HASSELT, BRUGGE, GENT):
        gardener(code)
        gardener(code, verified=False)
    shapes = [(HASSELT,), (HASSELT, BRUGGE), (HASSELT, BRUGGE, GENT), (GENT, "2000")]

    def plan(length):
        return [entry(*shapes[n % len(shapes)], position=n) for n in range(length)]

    small, large = plan(10), plan(200)
    advice.analyse(small)
    with django_assert_num_queries(3):
        ten = advice.analyse(small)
    with django_assert_num_queries(3):
        two_hundred = advice.analyse(large)
    assert {line.route for line in two_hundred} == {line.route for line in ten}
    assert advice.JOINT in {line.route for line in ten}


# --- The advice page, the sheet and the CSV -------------------------------------------------


@pytest.fixture
def joint_plan(reference_data):
    school = OrganisationFactory(kind="school", name="Scholengroep Limburg")
    teacher = MembershipFactory(organisation=school).user
    in_hasselt = gardener(HASSELT, name="Groen Hasselt")
    in_brugge = gardener(BRUGGE, name="Groen Brugge", verified=False)
    for organisation in (in_hasselt, in_brugge):
        MembershipFactory(organisation=organisation)
    plan = PurchasingPlan.objects.create(organisation=school, title="Groen 2027")
    PlanLine.objects.create(
        plan=plan,
        position=1,
        subject="Maaien",
        category=ServiceCategory.objects.get(slug="groenonderhoud"),
        postcode=postcode(HASSELT),
        further_places=[BRUGGE],
    )
    return plan, teacher, [in_hasselt, in_brugge]


def together_url(plan, position=1):
    return reverse("procurement:contact_together", kwargs={"code": plan.code, "position": position})


def test_the_page_the_sheet_and_the_csv_show_the_combination(client, joint_plan):
    plan, teacher, (in_hasselt, in_brugge) = joint_plan
    client.force_login(teacher)
    url = reverse("procurement:plan_detail", kwargs={"code": plan.code})
    html = client.get(url).content.decode()
    assert "Joint answer" in html and "Groen Hasselt" in html and "Groen Brugge" in html
    slugs = f"{in_hasselt.slug}%2C{in_brugge.slug}"
    assert f"{together_url(plan)}?members={slugs}" in html

    sheet = client.get(url, {"format": "print"}).content.decode()
    assert "Groen Brugge" in sheet and "Contact them together" not in sheet

    rows = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    line = rows.splitlines()[1]
    assert '"3500; 8000";"Hasselt; Brugge"' in line
    assert "Groen Hasselt" in line and "(3500) + Groen Brugge" in line


# --- Contacting them together -----------------------------------------------------------------


def post_together(client, plan, slugs, capture, **changes):
    data = {
        "members": slugs,
        "subject": "Samen groenonderhoud?",
        "message": "Willen jullie samen inschrijven voor onze scholen?",
        **changes,
    }
    with capture(execute=True):
        return client.post(together_url(plan), data)


def test_the_buyer_writes_to_the_members_together(
    client, joint_plan, django_capture_on_commit_callbacks
):
    plan, teacher, (in_hasselt, in_brugge) = joint_plan
    client.force_login(teacher)
    slugs = f"{in_hasselt.slug},{in_brugge.slug}"
    page = client.get(together_url(plan), {"members": slugs})
    assert page.status_code == 200
    assert page.context["form"].initial["subject"] == "Joint answer: Maaien"

    response = post_together(client, plan, slugs, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"].endswith("#line-1")
    assert len(mail.outbox) == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    for organisation, other in ((in_hasselt, in_brugge), (in_brugge, in_hasselt)):
        member = organisation.memberships.get().user
        message = by_address[member.email]
        assert "Willen jullie samen inschrijven" in message.body
        # In the member's language (Dutch, the portal's default).
        together = message.body.split("Hetzelfde bericht ging naar")[1]
        assert together.startswith(f" {other.name}: de koper vraagt jullie om samen")
        assert organisation.name not in together
        assert message.extra_headers["Reply-To"] == teacher.email
        assert plan.organisation.name in message.body


def test_who_may_not_write_together(client, joint_plan, django_capture_on_commit_callbacks):
    plan, teacher, (in_hasselt, in_brugge) = joint_plan
    slugs = f"{in_hasselt.slug},{in_brugge.slug}"
    capture = django_capture_on_commit_callbacks

    # Anonymous: to the login; a member of another organisation: 404 (the plan is not theirs).
    assert post_together(client, plan, slugs, capture).status_code == 302
    stranger = MembershipFactory(organisation=OrganisationFactory(kind="school")).user
    client.force_login(stranger)
    assert post_together(client, plan, slugs, capture).status_code == 404
    assert client.get(together_url(plan), {"members": slugs}).status_code == 404

    # The buyer, but enterprises the advice does not suggest together (or no line).
    client.force_login(teacher)
    other = gardener(GENT)
    made_up = post_together(client, plan, f"{in_hasselt.slug},{other.slug}", capture)
    assert made_up.status_code == 302
    assert post_together(client, plan, "", capture).status_code == 302
    missing = client.post(together_url(plan, position=9), {"members": slugs})
    assert missing.status_code == 404
    assert not mail.outbox


def test_writing_together_counts_against_the_allowance_all_or_none(
    client, joint_plan, django_capture_on_commit_callbacks
):
    plan, teacher, (in_hasselt, in_brugge) = joint_plan
    client.force_login(teacher)
    slugs = f"{in_hasselt.slug},{in_brugge.slug}"
    # Four messages sent this hour: one left, two needed.
    cache.set(f"companies:contact:{teacher.pk}", contact.MESSAGES_PER_HOUR - 1, timeout=3600)

    response = post_together(client, plan, slugs, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "You have sent 5 messages in the last hour" in response.content.decode()
    assert not mail.outbox
    # The one message left stays for a single message.
    assert cache.get(f"companies:contact:{teacher.pk}") == contact.MESSAGES_PER_HOUR - 1


def test_a_member_of_one_of_them_cannot_write_to_it_together(
    client, joint_plan, django_capture_on_commit_callbacks
):
    plan, teacher, (in_hasselt, in_brugge) = joint_plan
    MembershipFactory(organisation=in_hasselt, user=teacher)
    client.force_login(teacher)
    response = post_together(
        client, plan, f"{in_hasselt.slug},{in_brugge.slug}", django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert "you cannot write to it from here" in response.content.decode()
    assert not mail.outbox


@pytest.mark.parametrize("fmt", [None, "print", "csv"])
def test_a_saved_plan_of_200_lines_with_places_and_joints_takes_the_queries_of_10(
    client, reference_data, django_assert_num_queries, fmt
):
    from tests.factories import reference_rows_in_memory

    from .test_plans import QUERIES

    school = OrganisationFactory(kind="school", name="Scholengroep Limburg")
    teacher = MembershipFactory(organisation=school).user
    for code in (HASSELT, BRUGGE, GENT):
        gardener(code)
    category = ServiceCategory.objects.get(slug="groenonderhoud")
    shapes = [(HASSELT,), (HASSELT, BRUGGE), (HASSELT, BRUGGE, GENT), (BRUGGE, "2000")]

    def saved(length):
        plan = PurchasingPlan.objects.create(organisation=school, title=f"Plan {length}")
        PlanLine.objects.bulk_create(
            PlanLine(
                plan=plan,
                position=n,
                subject=f"Aankoop {n}",
                category=category,
                postcode=postcode(shapes[n % 4][0]),
                further_places=list(shapes[n % 4][1:]),
            )
            for n in range(1, length + 1)
        )
        return plan

    client.force_login(teacher)
    params = {"format": fmt} if fmt else {}
    for plan in (saved(10), saved(200)):
        reference_rows_in_memory()
        with django_assert_num_queries(QUERIES[fmt]):
            response = client.get(
                reverse("procurement:plan_detail", kwargs={"code": plan.code}), params
            )
            if fmt == "csv":
                b"".join(response.streaming_content)
        assert response.status_code == 200
        if fmt is None:
            assert advice.JOINT in {line.route for line in response.context["lines"]}


def test_anyone_sees_the_combinations_and_only_a_saved_plan_offers_to_write(client, reference_data):
    gardener(HASSELT, name="Groen Hasselt")
    gardener(BRUGGE, name="Groen Brugge")
    client.post(
        "/en/buying/",
        {
            "action": "add",
            "purchase-subject": "Maaien",
            "purchase-category": "groenonderhoud",
            "purchase-postcode": "Hasselt; Brugge",
        },
    )
    html = client.get("/en/buying/").content.decode()
    assert "Groen Hasselt" in html and "Groen Brugge" in html and "Joint answer" in html
    assert "/together/" not in html
    assert "Save the plan to write" not in html  # a visitor cannot save
