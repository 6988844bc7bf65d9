"""A provider finds a voucher by its code and redeems it; its list of vouchers."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies.models import Collaboration
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    ProgrammeFactory,
    SocialEnterpriseFactory,
    VoucherFactory,
    in_days,
)
from vouchers.models import Voucher, VoucherEvent, VoucherStatus

pytestmark = pytest.mark.django_db

LIST = "/en/vouchers/redeem/"


def url(voucher):
    return f"/en/vouchers/redeem/{voucher.code}/"


@pytest.fixture
def voucher(world):
    """An approved voucher of the world's firm with the world's provider, approved yesterday."""
    from datetime import timedelta

    from django.utils import timezone

    return VoucherFactory(
        programme=world.programme,
        applicant=world.firm,
        provider=world.provider,
        category=world.category,
        approved=True,
        decided_at=timezone.now() - timedelta(days=1),
    )


def declaration(**changes):
    data = {
        "delivered_on": str(in_days(0)),
        "invoice_number": "F2026-0042",
        "invoice_amount": "480.00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def errors_of(response):
    html = response.content.decode()
    assert 'class="alert alert--error error-summary"' in html, html
    return html.split('class="alert alert--error error-summary"', 1)[1].split("</div>", 1)[0]


# --- The list and finding by code ---------------------------------------------------------------


def test_the_list_needs_a_login(client, world):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.parametrize("who", ["stranger", "employer"])
def test_the_list_is_for_members_of_a_social_enterprise(client, world, voucher, who):
    client.force_login(getattr(world, who))

    response = client.get(LIST)

    assert response.status_code == 403
    html = response.content.decode()
    assert "You are not a member of a social enterprise on the portal." in html
    assert voucher.code not in html


def test_the_provider_sees_its_approved_redeemed_and_paid_vouchers(client, world, voucher):
    def of_provider(**fields):
        return VoucherFactory(
            programme=ProgrammeFactory(), provider=world.provider, category=world.category, **fields
        )

    redeemed, paid = of_provider(redeemed=True), of_provider(paid=True)
    submitted = of_provider()
    withdrawn = of_provider(approved=True, status="withdrawn", amount=0)
    someone_elses = VoucherFactory(programme=world.programme, approved=True)
    client.force_login(world.provider_member)

    html = client.get(LIST).content.decode()

    for shown in [voucher, redeemed, paid]:
        assert shown.code in html
    assert f'href="{url(voucher)}"' in html
    assert f'href="{url(redeemed)}"' not in html  # nothing left to redeem
    assert submitted.applicant.name not in html
    assert withdrawn.code not in html
    assert someone_elses.code not in html
    assert html.index(voucher.code) < html.index(redeemed.code) < html.index(paid.code)


def test_the_list_runs_a_fixed_number_of_queries(client, world, voucher, django_assert_num_queries):
    client.force_login(world.provider_member)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)

    for _ in range(30):
        VoucherFactory(programme=ProgrammeFactory(), provider=world.provider, redeemed=True)

    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(LIST).content.decode()
    assert html.count("<tr>") == 1 + 25
    assert "?page=2" in html


@pytest.mark.parametrize(
    "typed", ["{code}", "{lower}", " {code} ", "{spaced}", "{bare}"], ids=str.strip
)
def test_the_provider_finds_a_voucher_by_its_code_however_typed(client, world, voucher, typed):
    code = voucher.code
    client.force_login(world.provider_member)
    text = typed.format(
        code=code,
        lower=code.lower(),
        spaced=f"{code[:3]} {code[3:8]} {code[8:]}".lower(),
        bare=code[3:],
    )

    response = client.get(LIST, {"code": text})

    assert response.status_code == 302
    assert response["Location"] == url(voucher)


@pytest.mark.parametrize("code", ["KC-ZZZZZZZZZZ", "onzin", "x" * 39])
def test_an_unknown_code_is_said_on_the_form(client, world, voucher, code):
    client.force_login(world.provider_member)

    response = client.get(LIST, {"code": code})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist' in html.split('name="code"')[0].rsplit("<label", 1)[1]
    assert f'value="{code}"' in html


def test_another_providers_code_is_unknown_too(client, world):
    theirs = VoucherFactory(programme=world.programme, approved=True)
    client.force_login(world.provider_member)

    response = client.get(LIST, {"code": theirs.code})

    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html
    assert theirs.code not in html.split('id="provider-vouchers-title"')[1]
    assert theirs.applicant.name not in html


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "Type the voucher code."), ("K" * 1000, "Ensure this value has at most 40 characters")],
)
def test_an_empty_or_huge_code_gets_a_clear_error(client, world, voucher, code, message):
    client.force_login(world.provider_member)

    response = client.get(LIST, {"code": code})

    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_member_of_two_enterprises_finds_the_code_of_either(client, world, voucher):
    other = SocialEnterpriseFactory()
    OwnerFactory(organisation=other, user=world.provider_member)
    client.force_login(world.provider_member)

    assert client.get(LIST, {"code": voucher.code})["Location"] == url(voucher)


# --- The redeem page ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_redeeming_needs_a_login(client, voucher, method):
    response = getattr(client, method)(url(voucher), declaration())

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.parametrize("who", ["stranger", "employer", "regisseur", "other_provider"])
def test_only_the_providers_members_find_the_redeem_page(client, world, voucher, who):
    user = (
        OwnerFactory(organisation=SocialEnterpriseFactory()).user
        if who == "other_provider"
        else getattr(world, who)
    )
    client.force_login(user)

    assert client.get(url(voucher)).status_code == 404
    assert client.post(url(voucher), declaration()).status_code == 404
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.APPROVED


@pytest.mark.parametrize("code", ["KC-ONBEKEND12", "x" * 200])
def test_an_unknown_code_in_the_address_is_not_found(client, world, voucher, code):
    client.force_login(world.provider_member)

    assert client.get(f"/en/vouchers/redeem/{code}/").status_code == 404


def test_a_submitted_voucher_is_not_the_providers_yet(client, world):
    submitted = VoucherFactory(programme=world.programme, provider=world.provider)
    Voucher.objects.filter(pk=submitted.pk).update(code="KC-ABCDEFGHJK")
    client.force_login(world.provider_member)

    # Only approval gives a code; a code on a voucher that was not approved finds nothing to
    # redeem and the lifecycle refuses the step.
    response = client.post("/en/vouchers/redeem/KC-ABCDEFGHJK/", declaration())

    assert "Only an approved voucher can be redeemed" in errors_of(response)
    assert Voucher.objects.get(pk=submitted.pk).status == VoucherStatus.SUBMITTED


def test_the_redeem_page_says_the_voucher_pays_at_most_its_value(client, world, voucher):
    client.force_login(world.provider_member)

    html = client.get(url(voucher)).content.decode()

    assert "The voucher pays at most €500." in html
    assert voucher.applicant.name in html
    assert voucher.intended_use in html
    for name in ["delivered_on", "invoice_number", "invoice_amount"]:
        assert f'name="{name}"' in html


@pytest.mark.parametrize(("invoice", "paid"), [("480.00", "480.00"), ("750", "500.00")])
def test_the_provider_redeems_and_the_voucher_pays_at_most_its_value(
    client, world, voucher, invoice, paid
):
    client.force_login(world.provider_member)

    response = client.post(url(voucher), declaration(invoice_amount=invoice), follow=True)

    assert response.redirect_chain[-1][0] == LIST
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED
    assert voucher.amount == Decimal(paid)
    assert voucher.invoice_amount == Decimal(invoice)
    assert (voucher.invoice_number, voucher.delivered_on) == ("F2026-0042", in_days(0))
    assert f"Voucher {voucher.code} is redeemed" in response.content.decode()
    event = VoucherEvent.objects.get(voucher=voucher, to_status=VoucherStatus.REDEEMED)
    assert event.actor == world.provider_member
    collaboration = Collaboration.objects.get()
    assert (collaboration.regular, collaboration.social, collaboration.channel) == (
        world.firm,
        world.provider,
        "voucher",
    )


def test_an_editor_of_the_provider_may_redeem(client, world, voucher):
    client.force_login(MembershipFactory(organisation=world.provider).user)

    client.post(url(voucher), declaration())

    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.REDEEMED


AMOUNT_LIMITS = "at least €0.01 and at most €99,999,999.99, with at most two decimals"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"delivered_on": str(in_days(3))}, "must have been delivered between the approval"),
        ({"delivered_on": str(in_days(-30))}, "must have been delivered between the approval"),
        ({"delivered_on": "2026-13-01"}, "Give a date such as 2026-05-31."),
        ({"delivered_on": "gisteren"}, "Give a date such as 2026-05-31."),
        ({"delivered_on": None}, "Give the day the work was done."),
        ({"invoice_number": ""}, "Give the number of your invoice."),
        ({"invoice_number": "F" * 51}, "at most 50 characters"),
        ({"invoice_amount": "0"}, AMOUNT_LIMITS),
        ({"invoice_amount": "-480"}, AMOUNT_LIMITS),
        ({"invoice_amount": "1e400"}, AMOUNT_LIMITS),
        ({"invoice_amount": "NaN"}, "Give an amount in euros"),
        ({"invoice_amount": "12345678901234"}, AMOUNT_LIMITS),
        ({"invoice_amount": "480.555"}, AMOUNT_LIMITS),
        ({"invoice_amount": "vierhonderd"}, "Give an amount in euros"),
    ],
)
def test_bad_declarations_get_a_clear_error_and_keep_the_input(
    client, world, voucher, changes, message
):
    client.force_login(world.provider_member)

    response = client.post(url(voucher), declaration(**changes))

    assert response.status_code == 200
    assert message in errors_of(response)
    html = response.content.decode()
    if changes.get("invoice_number", "F2026-0042") == "F2026-0042":
        assert 'value="F2026-0042"' in html
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.APPROVED
    assert not Collaboration.objects.exists()


def test_a_redeemed_voucher_shows_its_state_and_cannot_be_redeemed_again(client, world):
    redeemed = VoucherFactory(programme=world.programme, provider=world.provider, redeemed=True)
    client.force_login(world.provider_member)

    html = client.get(url(redeemed)).content.decode()
    assert "You redeemed this voucher on" in html
    assert 'name="invoice_amount"' not in html

    response = client.post(url(redeemed), declaration())

    assert "Only an approved voucher can be redeemed" in errors_of(response)


def test_an_expired_voucher_cannot_be_redeemed(client, world, voucher):
    Voucher.objects.filter(pk=voucher.pk).update(valid_until=in_days(-1))
    client.force_login(world.provider_member)

    response = client.post(url(voucher), declaration())

    assert "it can no longer be redeemed" in errors_of(response)
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.APPROVED


def test_redeem_takes_no_other_method(client, world, voucher):
    client.force_login(world.provider_member)

    assert client.put(url(voucher)).status_code == 405
    assert client.patch(url(voucher)).status_code == 405


def test_the_redeem_page_is_reached_from_another_organisation_acting(client, world, voucher):
    # A member of a firm and of the provider: the page does not depend on the acting one.
    firm = OrganisationFactory()
    MembershipFactory(organisation=firm, user=world.provider_member)
    client.force_login(world.provider_member)

    assert client.get(url(voucher)).status_code == 200


# --- Every problem in one round, in the language's numbers (issue 18, item 1) -----------------


@pytest.mark.parametrize(
    ("prefix", "heading", "minimum"),
    [
        ("", "Verbeter 2 fouten.", "€\N{NO-BREAK SPACE}0,01"),
        ("/fr", "Veuillez corriger 2", "0,01\N{NO-BREAK SPACE}€"),
    ],
)
def test_a_future_date_and_a_negative_amount_are_both_said(
    client, world, voucher, prefix, heading, minimum
):
    client.force_login(world.provider_member)

    response = client.post(
        f"{prefix}/vouchers/redeem/{voucher.code}/",
        declaration(delivered_on=str(in_days(3)), invoice_amount="-50"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    summary = errors_of(response)
    assert heading in summary
    assert summary.count("<li>") == 2
    amount_error = html.split('id="id_invoice_amount_error"', 1)[1].split("</ul>", 1)[0]
    assert minimum in amount_error
    assert "0.01" not in amount_error
    assert 'id="id_delivered_on_error"' in html
    # Nothing typed is lost.
    assert f'value="{in_days(3)}"' in html
    assert 'value="-50"' in html
    assert 'value="F2026-0042"' in html
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.APPROVED


def test_a_bad_amount_in_an_expired_voucher_says_both(client, world, voucher):
    voucher.valid_until = in_days(-1)
    voucher.save()
    client.force_login(world.provider_member)

    response = client.post(url(voucher), declaration(invoice_amount="0"))

    summary = errors_of(response)
    assert "it can no longer be redeemed" in summary
    assert "at least €0.01" in summary
