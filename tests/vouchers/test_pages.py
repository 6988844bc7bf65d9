"""The public voucher pages (/vouchers/, a programme's page), the applicant's "my vouchers" with
its withdraw step, and the dashboard's voucher section."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies.access import ACTING_SESSION_KEY
from portal.models import ServiceCategory
from tests.factories import (
    MembershipFactory,
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    ProgrammeFactory,
    SocialEnterpriseFactory,
    UserFactory,
    VoucherFactory,
    in_days,
    postcode,
    region,
)
from vouchers.models import Voucher, VoucherEvent, VoucherStatus

pytestmark = pytest.mark.django_db

LIST = "/en/vouchers/"
MINE = "/en/vouchers/mine/"
NBSP = "\N{NO-BREAK SPACE}"


def detail(programme):
    return f"/en/vouchers/{programme.slug}/"


def withdraw_url(voucher):
    return f"/en/vouchers/mine/{voucher.pk}/withdraw/"


def voucher_of(world, **fields):
    fields.setdefault("programme", world.programme)
    return VoucherFactory(applicant=world.firm, provider=world.provider, **fields)


# --- /vouchers/ -----------------------------------------------------------------------------------


def test_the_navigation_leads_to_the_vouchers(client, world):
    html = client.get("/en/").content.decode()

    assert f'href="{LIST}"' in html


def test_the_list_marks_open_upcoming_and_closed_programmes_of_this_year(client, world):
    today = timezone.localdate()
    ProgrammeFactory(
        name="Later dit jaar", opens_on=in_days(10), closes_on=in_days(100), year=today.year
    )
    ProgrammeFactory(
        name="Voorjaarsronde", opens_on=in_days(-90), closes_on=in_days(-10), year=today.year
    )
    last_year = today.year - 1
    ProgrammeFactory(
        name="Vorig jaar",
        year=last_year,
        opens_on=today.replace(year=last_year, month=1, day=1),
        closes_on=today.replace(year=last_year, month=12, day=31),
    )

    html = client.get(LIST).content.decode()

    open_part, rest = html.split('id="upcoming-title"')
    upcoming_part, closed_part = rest.split('id="closed-title"')
    assert world.programme.name in open_part
    assert "Later dit jaar" in upcoming_part and "Opens later" in upcoming_part
    assert "Voorjaarsronde" in closed_part and "Closed" in closed_part
    assert "Vorig jaar" not in html
    assert f'href="{detail(world.programme)}"' in html


def test_the_list_says_what_is_left_in_vouchers_and_in_euros(client, world):
    VoucherFactory(programme=world.programme, approved=True)
    VoucherFactory(programme=world.programme, redeemed=True, invoice_amount=300, amount=300)
    VoucherFactory(programme=world.programme)  # submitted: holds nothing yet

    html = client.get(LIST).content.decode()

    # 15,000 - 500 - 300 = 14,200: 28 whole vouchers of 500.
    assert "28 vouchers still available" in html
    assert "€14,200 left of €15,000" in html
    assert "€500 a voucher" in html
    assert "Zuidoost-Limburg" in html


def test_a_programme_whose_budget_is_used_up_says_so(client, world):
    programme = ProgrammeFactory(name="Kleine ronde", budget=500)
    VoucherFactory(programme=programme, approved=True)

    html = client.get(LIST).content.decode()

    assert "The budget is used up: no vouchers left." in html
    assert "1 voucher still available" not in html


def test_the_list_explains_the_scheme_in_plain_language(client, world):
    html = client.get(LIST).content.decode()

    for text in [
        "An introduction voucher (kennismakingscheque) lets your firm try",
        "Who can apply?",
        "In five steps",
        "Give the code to the social enterprise.",
    ]:
        assert text in html


def test_the_list_runs_one_query_whatever_the_number_of_programmes(
    client, world, django_assert_num_queries
):
    with django_assert_num_queries(1):
        client.get(LIST)

    for n in range(12):
        programme = ProgrammeFactory(name=f"Ronde {n}")
        VoucherFactory(programme=programme, approved=True)
        VoucherFactory(programme=programme, paid=True)

    with django_assert_num_queries(1):
        html = client.get(LIST).content.decode()
    assert html.count('class="result programme-card') == 13

    # Logged in: the session and the user besides; acting for an organisation, its membership,
    # the eligibility facts (two) and the regie to ask (the municipality and its regions).
    client.force_login(world.employer)
    with django_assert_num_queries(8):
        client.get(LIST)


def test_a_member_sees_which_programmes_apply_to_the_firm_those_first(client, world):
    # Closes first, so without the firm it would be listed first; it does not cover Tongeren.
    elsewhere = ProgrammeFactory(
        name="Cheques Vlaams-Brabant", region=region("vlaams-brabant"), closes_on=in_days(5)
    )
    client.force_login(world.employer)

    html = client.get(LIST).content.decode()

    assert "1 open programme applies to Drukkerij Peeters; it is listed first." in html
    assert html.index(world.programme.name) < html.index(elsewhere.name)
    card = html.split(elsewhere.name, 1)[1].split("</li>", 1)[0]
    assert "Not for Drukkerij Peeters now:" in card
    assert "which this programme does not cover" in card
    card = html.split(world.programme.name, 1)[1].split("</li>", 1)[0]
    assert "Applies to Drukkerij Peeters" in card
    assert f'href="/en/vouchers/{world.programme.slug}/apply/"' in card


def test_a_hasselt_firm_is_told_no_programme_applies_and_where_to_ask(client, world):
    from portal.models import Region

    hasselt = OrganisationFactory(
        name="Bakkerij Hasselt", postcode=postcode("3500"), verified_at=timezone.now()
    )
    regie = Region.objects.create(
        name="Regie Midden-Limburg",
        slug="regie-midden-limburg",
        kind="regie",
        contact_email="regie@hasselt.test",
    )
    regie.municipalities.add(hasselt.municipality)
    client.force_login(OwnerFactory(organisation=hasselt).user)

    html = client.get(LIST).content.decode()

    assert "No open programme applies to Bakkerij Hasselt (Hasselt) at the moment" in html
    assert 'href="mailto:regie@hasselt.test"' in html
    assert "Bakkerij Hasselt lies in Hasselt, which this programme does not cover." in html
    assert "Applies to Bakkerij Hasselt" not in html


def test_a_visitor_sees_no_fit_for_a_firm(client, world):
    html = client.get(LIST).content.decode()

    assert "Applies to" not in html
    assert "Not for" not in html


def test_the_fit_takes_a_fixed_number_of_queries_whatever_the_programmes(
    client, world, django_assert_num_queries
):
    client.force_login(world.employer)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(8):
        programme = ProgrammeFactory(name=f"Ronde {n}")
        VoucherFactory(programme=programme, applicant=world.firm, approved=True)
        ProgrammeFactory(name=f"Elders {n}", region=region("vlaams-brabant"))

    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(LIST).content.decode()
    assert html.count("Applies to Drukkerij Peeters") == 1
    assert html.count("already has 1 voucher in this programme") == 8


@pytest.mark.parametrize(
    ("prefix", "left", "value"),
    [
        ("", "€\N{NO-BREAK SPACE}14.500", "€\N{NO-BREAK SPACE}500"),
        ("/fr", "14\N{NO-BREAK SPACE}500\N{NO-BREAK SPACE}€", "500\N{NO-BREAK SPACE}€"),
        ("/en", "€14,500 left of €15,000", "€500"),
    ],
)
def test_amounts_follow_the_language(client, world, prefix, left, value):
    VoucherFactory(programme=world.programme, approved=True)

    html = client.get(f"{prefix}/vouchers/").content.decode()

    assert left in html
    assert value in html
    assert "EUR" not in html


# --- A programme's page ---------------------------------------------------------------------------


def test_a_programme_page_shows_terms_municipalities_services_and_budget(client, world):
    world.programme.terms = "Eén cheque per onderneming.\nDe factuur volgt na de levering."
    world.programme.save()

    html = client.get(detail(world.programme)).content.decode()

    assert "Eén cheque per onderneming." in html
    assert "All 4 municipalities of Zuidoost-Limburg:" in html
    for municipality in region().municipalities.all():
        assert municipality.name_nl in html
    assert "The voucher pays for any service of a verified social enterprise." in html
    assert "30 vouchers still available" in html
    assert "€15,000 left of €15,000" in html
    assert "180 days" in html


def test_a_programme_with_chosen_municipalities_and_services_lists_them(client, world):
    green = ServiceCategory.objects.get(slug="groenonderhoud")
    cleaning = ServiceCategory.objects.get(slug="schoonmaak")
    world.programme.categories.set([green, cleaning])
    tongeren = postcode("3700").municipality
    world.programme.municipalities.set([tongeren])

    html = client.get(detail(world.programme)).content.decode()

    assert "1 municipality:" in html
    assert tongeren.name_nl in html
    assert "The voucher pays for these services of a verified social enterprise:" in html
    assert green.name_en in html and cleaning.name_en in html
    assert "service=groenonderhoud" in html


def test_many_municipalities_are_folded_away(client, world):
    programme = ProgrammeFactory(region=region("vlaams-brabant"))

    html = client.get(detail(programme)).content.decode()

    count = region("vlaams-brabant").municipalities.count()
    assert f"All {count} municipalities of Vlaams-Brabant:" in html
    assert "<details" in html


def test_a_visitor_is_asked_to_log_in_to_see_whether_the_firm_may_apply(client, world):
    html = client.get(detail(world.programme)).content.decode()

    assert f"/en/accounts/login/?next={detail(world.programme)}" in html
    assert "/apply/" not in html


def test_a_member_of_an_eligible_firm_is_told_it_may_apply(client, world):
    client.force_login(world.employer)

    html = client.get(detail(world.programme)).content.decode()

    assert "may apply for a voucher from this programme" in html
    assert f'href="{detail(world.programme)}apply/"' in html


def test_a_member_of_a_firm_outside_the_programme_is_told_why_not(client, world):
    leuven = OrganisationFactory(
        name="Boekhandel Leuven", postcode=postcode("3000"), verified_at=timezone.now()
    )
    client.force_login(OwnerFactory(organisation=leuven).user)

    html = client.get(detail(world.programme)).content.decode()

    assert "Boekhandel Leuven cannot apply now:" in html
    assert "which this programme does not cover" in html
    assert "/apply/" not in html


def test_a_member_of_a_social_enterprise_is_told_vouchers_are_for_firms(client, world):
    client.force_login(world.provider_member)

    html = client.get(detail(world.programme)).content.decode()

    assert "Introduction vouchers are for regular firms" in html


def test_a_firm_at_its_maximum_is_told_so(client, world):
    voucher_of(world)
    client.force_login(world.employer)

    html = client.get(detail(world.programme)).content.decode()

    assert "already has 1 voucher in this programme" in html


def test_a_user_without_an_organisation_is_asked_to_add_or_join_one(client, world):
    client.force_login(world.stranger)

    html = client.get(detail(world.programme)).content.decode()

    assert 'href="/en/organisations/new/"' in html
    assert 'href="/en/organisations/join/"' in html


def test_the_page_of_a_closed_programme_says_it_closed(client, world):
    programme = ProgrammeFactory(opens_on=in_days(-60), closes_on=in_days(-1))
    client.force_login(world.employer)

    html = client.get(detail(programme)).content.decode()

    assert "Applications closed on" in html
    assert "/apply/" not in html


@pytest.mark.parametrize("slug", ["bestaat-niet", "x" * 300, "mine-2"])
def test_an_unknown_programme_is_not_found(client, world, slug):
    assert client.get(f"/en/vouchers/{slug}/").status_code == 404


# Anonymous: the programme with its budget, the chosen municipalities, the region's, the
# categories. A member adds the session, the user, the memberships and the two eligibility
# queries (lifecycle.eligibility_facts: municipality, maximum; the budget comes with the page's).
DETAIL_ANONYMOUS = 4
DETAIL_MEMBER = DETAIL_ANONYMOUS + 3 + 2


def test_a_programme_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    with django_assert_num_queries(DETAIL_ANONYMOUS):
        client.get(detail(world.programme))
    client.force_login(world.employer)
    with django_assert_num_queries(DETAIL_MEMBER):
        client.get(detail(world.programme))

    for _ in range(10):
        VoucherFactory(programme=world.programme, approved=True)
    voucher_of(world, status=VoucherStatus.WITHDRAWN)
    world.programme.categories.set(ServiceCategory.objects.all())

    with django_assert_num_queries(DETAIL_MEMBER):
        html = client.get(detail(world.programme)).content.decode()
    assert "20 vouchers still available" in html
    client.logout()
    with django_assert_num_queries(DETAIL_ANONYMOUS):
        client.get(detail(world.programme))


# --- My vouchers ----------------------------------------------------------------------------------


def test_my_vouchers_needs_a_login(client, world):
    response = client.get(MINE)

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_a_user_without_vouchers_is_pointed_to_the_programmes(client, world):
    client.force_login(world.stranger)

    html = client.get(MINE).content.decode()

    assert "Your organisations have not applied for a voucher yet." in html
    assert f'href="{LIST}"' in html


def test_my_vouchers_shows_status_code_validity_and_provider(client, world):
    approved = voucher_of(world, approved=True)
    other_programme = ProgrammeFactory()
    submitted = voucher_of(world, programme=other_programme)
    rejected = voucher_of(
        world, programme=ProgrammeFactory(), status="rejected", rejection_reason="Buiten de regio"
    )
    client.force_login(world.employer)

    html = client.get(MINE).content.decode()

    assert approved.code in html
    assert approved.valid_until.strftime("%Y") in html
    assert world.provider.name in html
    for voucher in [approved, submitted, rejected]:
        assert f'id="voucher-{voucher.pk}"' in html
    assert "Buiten de regio" in html
    assert "The regisseur decides on your application." in html
    # Withdraw is offered for the submitted and the approved one only.
    assert f'href="{withdraw_url(approved)}"' in html
    assert f'href="{withdraw_url(submitted)}"' in html
    assert f'href="{withdraw_url(rejected)}"' not in html


def test_the_code_of_a_submitted_voucher_is_not_shown(client, world):
    voucher = voucher_of(world)
    Voucher.objects.filter(pk=voucher.pk).update(code="KC-ABCDEFGHJK")
    client.force_login(world.employer)

    html = client.get(MINE).content.decode()

    assert "KC-ABCDEFGHJK" not in html


def test_other_organisations_vouchers_are_not_in_my_vouchers(client, world):
    theirs = VoucherFactory(programme=world.programme, approved=True)
    client.force_login(world.employer)

    html = client.get(MINE).content.decode()

    assert theirs.code not in html
    assert theirs.applicant.name not in html


def test_the_provider_member_sees_no_vouchers_of_its_clients_in_my_vouchers(client, world):
    voucher = voucher_of(world, approved=True)
    client.force_login(world.provider_member)

    assert voucher.code not in client.get(MINE).content.decode()


def test_my_vouchers_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    voucher_of(world)
    client.force_login(world.employer)
    # Session, user, the count and the page of vouchers, the number of memberships.
    with django_assert_num_queries(5):
        client.get(MINE)

    for _ in range(30):
        voucher_of(world, programme=ProgrammeFactory(), approved=True)

    with django_assert_num_queries(5):
        html = client.get(MINE).content.decode()
    assert html.count('class="voucher-card ') == 25
    assert "?page=2" in html


# --- Withdrawing ----------------------------------------------------------------------------------


def test_withdrawing_needs_a_login(client, world):
    voucher = voucher_of(world)

    for response in [client.get(withdraw_url(voucher)), client.post(withdraw_url(voucher))]:
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/")
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.SUBMITTED


@pytest.mark.parametrize("who", ["stranger", "provider_member", "regisseur", "other_firm"])
def test_only_the_applicants_members_find_the_withdraw_page(client, world, who):
    voucher = voucher_of(world, approved=True)
    user = (
        OwnerFactory(organisation=OrganisationFactory(verified_at=timezone.now())).user
        if who == "other_firm"
        else getattr(world, who)
    )
    client.force_login(user)

    assert client.get(withdraw_url(voucher)).status_code == 404
    assert client.post(withdraw_url(voucher)).status_code == 404
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.APPROVED


def test_an_unknown_voucher_is_not_found(client, world):
    client.force_login(world.employer)

    assert client.get("/en/vouchers/mine/999999/withdraw/").status_code == 404
    assert client.get(f"/en/vouchers/mine/{'9' * 30}/withdraw/").status_code == 404


def test_withdrawing_asks_for_confirmation_first(client, world):
    voucher = voucher_of(world, approved=True)
    client.force_login(world.employer)

    html = client.get(withdraw_url(voucher)).content.decode()

    assert "Withdraw the voucher?" in html
    assert f'action="{withdraw_url(voucher)}"' in html
    assert 'method="post"' in html
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.APPROVED


def test_a_member_withdraws_an_approved_voucher_and_frees_its_budget(client, world):
    voucher = voucher_of(world, approved=True)
    client.force_login(world.employer)

    response = client.post(withdraw_url(voucher), {"note": "Toch niet nodig."}, follow=True)

    assert response.redirect_chain[-1][0] == MINE
    assert "is withdrawn" in response.content.decode()
    voucher.refresh_from_db()
    assert (voucher.status, voucher.amount) == (VoucherStatus.WITHDRAWN, 0)
    event = VoucherEvent.objects.get(voucher=voucher, to_status=VoucherStatus.WITHDRAWN)
    assert (event.actor, event.note) == (world.employer, "Toch niet nodig.")


def test_an_editor_may_withdraw_too(client, world):
    voucher = voucher_of(world)
    editor = MembershipFactory(organisation=world.firm).user
    client.force_login(editor)

    client.post(withdraw_url(voucher))

    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.WITHDRAWN


def test_a_redeemed_voucher_cannot_be_withdrawn_and_the_page_says_why(client, world):
    voucher = voucher_of(world, redeemed=True)
    client.force_login(world.employer)

    assert "can no longer be withdrawn" in client.get(withdraw_url(voucher)).content.decode()
    response = client.post(withdraw_url(voucher))

    assert response.status_code == 200
    assert "Only a submitted or approved voucher can be withdrawn" in response.content.decode()
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.REDEEMED


def test_a_huge_note_is_refused_and_nothing_changes(client, world):
    voucher = voucher_of(world)
    client.force_login(world.employer)

    response = client.post(withdraw_url(voucher), {"note": "x" * 5000})

    assert response.status_code == 200
    assert "Ensure this value has at most 1000 characters" in response.content.decode()
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.SUBMITTED


def test_withdraw_takes_no_other_method(client, world):
    voucher = voucher_of(world)
    client.force_login(world.employer)

    assert client.put(withdraw_url(voucher)).status_code == 405
    assert client.delete(withdraw_url(voucher)).status_code == 405


# --- The dashboard --------------------------------------------------------------------------------


def test_the_dashboard_shows_a_firm_its_vouchers_and_the_programmes_open_to_it(client, world):
    voucher = voucher_of(world, approved=True)
    ProgrammeFactory(region=region("vlaams-brabant"))  # not open to a firm in Tongeren
    client.force_login(world.employer)

    html = client.get("/en/dashboard/").content.decode()

    assert "Introduction vouchers of Drukkerij Peeters" in html
    assert voucher.code in html
    assert f'href="{MINE}#voucher-{voucher.pk}"' in html
    assert "Firms in your municipality may apply to 1 voucher programme now." in html


def test_the_dashboard_shows_a_provider_the_vouchers_to_redeem(client, world):
    voucher = voucher_of(world, approved=True)
    voucher_of(world, programme=ProgrammeFactory())  # submitted: not the provider's business
    client.force_login(world.provider_member)

    html = client.get("/en/dashboard/").content.decode()

    assert "Vouchers to redeem" in html
    assert f'href="/en/vouchers/redeem/{voucher.code}/"' in html
    assert html.count("/en/vouchers/redeem/KC-") == 1


def test_the_dashboard_of_a_user_acting_for_another_organisation_shows_its_vouchers(client, world):
    voucher = voucher_of(world, approved=True)
    enterprise = SocialEnterpriseFactory(verified_at=timezone.now())
    OfferedServiceFactory(organisation=enterprise)
    MembershipFactory(organisation=enterprise, user=world.employer)
    client.force_login(world.employer)
    session = client.session
    session[ACTING_SESSION_KEY] = enterprise.pk
    session.save()

    html = client.get("/en/dashboard/").content.decode()

    assert "No approved voucher waits for you." in html
    assert voucher.code not in html


def test_the_dashboard_of_a_user_without_organisation_has_no_voucher_section(client, world):
    client.force_login(UserFactory())

    assert 'id="my-vouchers-title"' not in client.get("/en/dashboard/").content.decode()


def test_the_voucher_section_adds_a_fixed_number_of_queries_to_the_dashboard(
    client, world, django_assert_num_queries
):
    voucher_of(world, approved=True)
    client.force_login(world.employer)
    client.get("/en/dashboard/")
    with CaptureQueriesContext(connection) as few:
        client.get("/en/dashboard/")
    for _ in range(8):
        voucher_of(world, programme=ProgrammeFactory(), approved=True)
        ProgrammeFactory().municipalities.set([world.firm.municipality_id])

    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get("/en/dashboard/").content.decode()
    assert html.count("/en/vouchers/mine/#voucher-") == 5


def test_the_dashboard_counts_only_programmes_open_today(client, world):
    ProgrammeFactory(opens_on=in_days(5), closes_on=in_days(50))
    ProgrammeFactory(opens_on=in_days(-50), closes_on=timezone.localdate() - timedelta(days=1))
    client.force_login(world.employer)

    html = client.get("/en/dashboard/").content.decode()

    assert "Firms in your municipality may apply to 1 voucher programme now." in html
