"""A programme's payouts as a SEPA credit-transfer file (vouchers/sepa.py, sepaxml): from the
programme's paying account to the providers of its redeemed vouchers."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from companies.models import Organisation
from tests.factories import ProgrammeFactory, StaffFactory, VoucherFactory, log_in_as, region
from vouchers import sepa
from vouchers.admin import ProgrammeForm
from vouchers.models import Programme, Voucher

pytestmark = pytest.mark.django_db

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
PAYER = "BE68539007547034"


def sepa_url(programme, prefix="/en"):
    return f"{prefix}/admin/vouchers/programme/{programme.pk}/sepa/"


@pytest.fixture
def paying(world):
    Programme.objects.filter(pk=world.programme.pk).update(
        payer_name="Regie Zuidoost-Limburg", payer_iban=PAYER
    )
    world.programme.refresh_from_db()
    return world.programme


def transactions(document):
    root = ET.fromstring(document)  # noqa: S314 - the file the portal just wrote
    return [
        {
            "name": tx.find("p:Cdtr/p:Nm", NS).text,
            "iban": tx.find("p:CdtrAcct/p:Id/p:IBAN", NS).text,
            "amount": tx.find("p:Amt/p:InstdAmt", NS).text,
            "end_to_end": tx.find("p:PmtId/p:EndToEndId", NS).text,
            "message": tx.find("p:RmtInf/p:Ustrd", NS).text,
        }
        for tx in root.iterfind(".//p:CdtTrfTxInf", NS)
    ], root


def test_the_file_pays_each_redeemed_voucher_to_its_provider(client, world, paying):
    first = VoucherFactory(programme=paying, provider=world.provider, redeemed=True)
    Voucher.objects.filter(pk=first.pk).update(amount=Decimal("420.50"))
    second = VoucherFactory(programme=paying, redeemed=True)
    Organisation.objects.filter(pk=second.provider_id).update(iban="NL91ABNA0417164300")
    VoucherFactory(programme=paying, paid=True)  # paid already: not again
    VoucherFactory(programme=paying, approved=True)  # not redeemed yet
    VoucherFactory(programme=ProgrammeFactory(), redeemed=True)  # another programme
    log_in_as(client, world.regisseur)

    response = client.get(sepa_url(paying))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"].startswith(f'attachment; filename="sepa-{paying.slug}-')
    found, root = transactions(response.content)
    assert sorted(found, key=lambda tx: tx["end_to_end"]) == sorted(
        [
            {
                "name": "Groenwerk Tongeren",
                "iban": "BE71096123456769",
                "amount": "420.50",
                "end_to_end": first.code,
                "message": f"{first.code} {first.invoice_number}",
            },
            {
                "name": second.provider.name,
                "iban": "NL91ABNA0417164300",
                "amount": "500.00",
                "end_to_end": second.code,
                "message": f"{second.code} {second.invoice_number}",
            },
        ],
        key=lambda tx: tx["end_to_end"],
    )
    assert root.find(".//p:GrpHdr/p:CtrlSum", NS).text == "920.50"
    assert root.find(".//p:GrpHdr/p:NbOfTxs", NS).text == "2"
    assert root.find(".//p:DbtrAcct/p:Id/p:IBAN", NS).text == PAYER
    assert root.find(".//p:Dbtr/p:Nm", NS).text == "Regie Zuidoost-Limburg"
    # The file changes nothing: the regisseur marks them paid once the bank has paid.
    assert Voucher.objects.get(pk=first.pk).status == "redeemed"


def test_a_provider_without_an_iban_is_left_out_and_named(client, world, paying):
    VoucherFactory(programme=paying, provider=world.provider, redeemed=True)
    without = VoucherFactory(programme=paying, redeemed=True)
    Organisation.objects.filter(pk=without.provider_id).update(iban="")
    log_in_as(client, world.regisseur)

    response = client.get(sepa_url(paying))

    found, _root = transactions(response.content)
    assert [tx["iban"] for tx in found] == ["BE71096123456769"]
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == [
        f"{without.code} is not in the file: {without.provider.name} gave no bank account yet."
    ]


def test_without_a_paying_iban_the_regisseur_is_sent_to_the_programme(client, world):
    VoucherFactory(programme=world.programme, redeemed=True)
    log_in_as(client, world.regisseur)

    response = client.get(sepa_url(world.programme, prefix=""), follow=True)

    assert response.redirect_chain[-1][0].endswith(f"/programme/{world.programme.pk}/change/")
    assert "Geef eerst het IBAN waarvan het programma betaalt" in response.content.decode()


def test_nothing_to_pay_says_so(client, world, paying):
    log_in_as(client, world.regisseur)

    response = client.get(sepa_url(paying), follow=True)

    assert "No redeemed voucher waits to be paid." in response.content.decode()


@pytest.mark.parametrize("who", ["other_regisseur", "staff_without_region"])
def test_a_regisseur_of_another_region_does_not_find_it(client, world, paying, who):
    VoucherFactory(programme=paying, redeemed=True)
    log_in_as(client, StaffFactory() if who == "staff_without_region" else getattr(world, who))

    assert client.get(sepa_url(paying)).status_code == 404


def test_an_administrator_downloads_any_programmes_file(client, world, paying):
    VoucherFactory(programme=paying, redeemed=True)
    log_in_as(client, world.administrator)

    response = client.get(sepa_url(paying))

    assert response.status_code == 200
    assert len(transactions(response.content)[0]) == 1


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_people_who_are_not_staff_are_sent_to_the_login(client, world, paying, who):
    if who == "member":
        client.force_login(world.provider_member)

    response = client.get(sepa_url(paying))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_budget_panel_links_to_the_file_once_the_programme_has_a_paying_account(
    client, world, paying
):
    other = ProgrammeFactory(region=region())
    log_in_as(client, world.regisseur)

    with_account = client.get(f"/en/admin/vouchers/programme/{paying.pk}/change/")
    without = client.get(f"/en/admin/vouchers/programme/{other.pk}/change/")

    assert f'href="/en/admin/vouchers/programme/{paying.pk}/sepa/"' in with_account.content.decode()
    assert 'id="programme-sepa"' not in without.content.decode()


def test_the_programme_form_checks_and_compacts_the_paying_iban(world):
    form = ProgrammeForm(instance=world.programme)
    data = {**form.initial, "payer_iban": "be68 5390 0754 7034", "payer_name": "Regie"}
    data = {key: value for key, value in data.items() if value is not None}
    data["municipalities"] = []
    data["categories"] = []

    good = ProgrammeForm(data, instance=world.programme)
    bad = ProgrammeForm({**data, "payer_iban": "BE69 5390 0754 7034"}, instance=world.programme)

    assert good.is_valid(), good.errors
    assert good.cleaned_data["payer_iban"] == PAYER
    assert not bad.is_valid()
    assert "payer_iban" in bad.errors


def test_amounts_are_whole_cents():
    assert sepa.cents(Decimal("420.50")) == 42050
    assert sepa.cents(Decimal("0.01")) == 1


def test_the_model_stores_the_paying_iban_compact(world):
    world.programme.payer_iban = "BE68 5390 0754 7034"
    world.programme.save()

    assert Programme.objects.get(pk=world.programme.pk).payer_iban == PAYER
    world.programme.payer_iban = "BE68 5390"
    with pytest.raises(ValidationError):
        world.programme.full_clean()
