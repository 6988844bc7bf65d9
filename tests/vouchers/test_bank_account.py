"""The provider's bank account and vouchers: asked before a provider redeems, shown to the
regisseur on the voucher's page and in the payouts file (companies/bank_accounts.py)."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from companies.models import Organisation
from tests.factories import VoucherFactory, in_days, log_in_as
from vouchers import lifecycle
from vouchers.lifecycle import VoucherError
from vouchers.models import Voucher, VoucherStatus

pytestmark = pytest.mark.django_db

PAYOUTS = "/en/admin/vouchers/voucher/payouts/"
PROBLEM = (
    "Add the bank account to which the regie pays first, on the “Bank account” page of "
    "Groenwerk Tongeren."
)


@pytest.fixture
def voucher(world):
    return VoucherFactory(
        programme=world.programme,
        applicant=world.firm,
        provider=world.provider,
        category=world.category,
        approved=True,
        decided_at=timezone.now() - timedelta(days=1),
    )


def without_bank_account(provider):
    Organisation.objects.filter(pk=provider.pk).update(iban="")
    provider.iban = ""


def declaration():
    return {
        "delivered_on": in_days(0),
        "invoice_number": "F2026-0042",
        "invoice_amount": "480.00",
    }


def test_a_provider_without_a_bank_account_cannot_redeem(world, voucher):
    without_bank_account(world.provider)

    with translation.override("en"):
        problems = lifecycle.redemption_problems(voucher, **declaration())
        said = [str(problem.message) for problem in problems[None]]
        with pytest.raises(VoucherError) as raised:
            lifecycle.redeem(voucher, user=world.provider_member, **declaration())

    assert said == [PROBLEM]
    assert raised.value.code == "provider_without_bank_account"
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.APPROVED


def test_with_a_bank_account_the_same_declaration_redeems(world, voucher):
    assert lifecycle.redemption_problems(voucher, **declaration()) == {}

    lifecycle.redeem(voucher, user=world.provider_member, **declaration())

    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.REDEEMED


def test_the_redeem_page_links_to_the_bank_account_page_and_refuses_in_one_round(
    client, world, voucher
):
    without_bank_account(world.provider)
    client.force_login(world.provider_member)
    page_url = f"/en/vouchers/redeem/{voucher.code}/"

    page = client.get(page_url).content.decode()
    response = client.post(
        page_url,
        {"delivered_on": "2000-01-01", "invoice_number": "F1", "invoice_amount": "480"},
    )

    link = f'href="/en/organisations/{world.provider.slug}/bank-account/"'
    assert link in page
    assert "Add the bank account first" in page
    assert response.status_code == 200
    text = response.content.decode()
    assert PROBLEM in text
    assert "The service must have been delivered between" in text  # every problem at once
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.APPROVED


def test_the_problem_is_said_in_dutch_and_french(world, voucher):
    without_bank_account(world.provider)

    for language, expected in [
        ("nl", "Voeg eerst de bankrekening toe waarop de regie uitbetaalt"),
        ("fr", "Ajoutez d'abord le compte bancaire sur lequel la régie paie"),
    ]:
        with translation.override(language):
            problem = lifecycle.redemption_problems(voucher)[None][0]
            assert str(problem.message).startswith(expected)


# --- the regisseur ------------------------------------------------------------------------------


def read_csv(response):
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_payouts_file_names_the_account_holder_and_the_iban(client, world):
    paid = VoucherFactory(programme=world.programme, provider=world.provider, paid=True)
    other = VoucherFactory(programme=world.programme, redeemed=True)
    Organisation.objects.filter(pk=other.provider_id).update(iban="NL91ABNA0417164300")
    log_in_as(client, world.regisseur)

    header, *rows = read_csv(client.get(PAYOUTS))

    holder, iban = header.index("Account holder"), header.index("IBAN")
    by_code = {row[0]: (row[holder], row[iban]) for row in rows}
    assert by_code == {
        paid.code: ("Groenwerk Tongeren", "BE71096123456769"),
        other.code: (other.provider.name, "NL91ABNA0417164300"),
    }


def test_the_payouts_file_of_another_region_is_not_the_regisseurs(client, world):
    VoucherFactory(programme=world.programme, provider=world.provider, paid=True)
    log_in_as(client, world.other_regisseur)

    header, *rows = read_csv(client.get(PAYOUTS))

    assert rows == []


def test_the_voucher_page_shows_the_providers_iban_grouped(client, world, voucher):
    log_in_as(client, world.regisseur)

    page = client.get(f"/en/admin/vouchers/voucher/{voucher.pk}/change/").content.decode()

    assert "BE71 0961 2345 6769" in page


def test_the_voucher_page_says_when_the_provider_gave_no_iban(client, world, voucher):
    without_bank_account(world.provider)
    log_in_as(client, world.regisseur)

    page = client.get(f"/en/admin/vouchers/voucher/{voucher.pk}/change/").content.decode()

    assert "none given yet" in page
