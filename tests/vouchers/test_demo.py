"""The vouchers' demo data (vouchers/demo.py, through seed_demo)."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from companies.models import Collaboration
from portal.models import Region, User
from vouchers import lifecycle
from vouchers.models import HOLDING, Programme, Voucher, VoucherEvent, VoucherStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data, settings):
    settings.DEBUG = True


def test_every_region_has_a_programme_for_this_year_and_last_year(seeded):
    year = timezone.localdate().year
    for region in Region.objects.all():
        years = set(Programme.objects.filter(region=region).values_list("year", flat=True))
        assert {year - 1, year} <= years, region
    today = timezone.localdate()
    assert Programme.objects.open(today).count() >= 3
    assert Programme.objects.filter(opens_on__gt=today).exists()
    assert Programme.objects.filter(year=year, closes_on__lt=today).exists()
    assert Programme.objects.filter(categories__isnull=False).exists()


def test_there_are_vouchers_in_every_status_each_with_its_history(seeded):
    assert set(Voucher.objects.values_list("status", flat=True)) == set(VoucherStatus.values)
    for voucher in Voucher.objects.prefetch_related("events"):
        events = list(voucher.events.all())
        assert (events[0].from_status, events[0].to_status) == ("", VoucherStatus.SUBMITTED)
        assert events[-1].to_status == voucher.status
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
            assert before.at <= after.at
            assert (before.to_status, after.to_status) in lifecycle.TRANSITIONS
        assert events[-1].at <= timezone.now()


def test_each_voucher_could_have_been_applied_for(seeded):
    for voucher in Voucher.objects.select_related("programme", "applicant", "provider"):
        applicant, provider = voucher.applicant, voucher.provider
        assert applicant.kind == "regular" and applicant.is_verified, voucher
        assert provider.is_social and provider.is_verified, voucher
        assert provider.services.filter(category=voucher.category).exists(), voucher
        eligible = voucher.programme.eligible_municipalities()
        assert eligible.filter(pk=applicant.municipality_id).exists(), voucher
        categories = voucher.programme.categories.all()
        assert not categories or voucher.category in categories, voucher


def test_the_vouchers_hold_what_the_lifecycle_would_have_left(seeded):
    today = timezone.localdate()
    for voucher in Voucher.objects.select_related("programme"):
        if voucher.status in HOLDING:
            assert 0 < voucher.amount <= voucher.programme.voucher_value
            assert voucher.code and voucher.valid_until
        else:
            assert voucher.amount == 0
        if voucher.status == VoucherStatus.APPROVED:
            assert voucher.valid_until >= today
        if voucher.status == VoucherStatus.EXPIRED:
            assert voucher.valid_until < today
        if voucher.status in (VoucherStatus.REDEEMED, VoucherStatus.PAID):
            assert voucher.amount == min(voucher.invoice_amount, voucher.programme.voucher_value)
            assert voucher.collaboration.channel == "voucher"
            assert voucher.delivered_on <= today
        if voucher.status == VoucherStatus.PAID:
            assert voucher.paid_on and voucher.payment_reference
        if voucher.status == VoucherStatus.REJECTED:
            assert voucher.rejection_reason
        assert voucher.programme.opens_on <= voucher.created_at.date() <= today
    for programme in Programme.objects.with_budget():
        assert programme.left >= 0, programme


def test_the_demo_users_see_their_vouchers(seeded, client):
    employer = User.objects.get(email="werkgever@brugwerk.test")
    client.force_login(employer)
    html = client.get("/en/vouchers/mine/").content.decode()
    approved = Voucher.objects.get(applicant__memberships__user=employer, status="approved")
    assert approved.code in html

    enterprise_member = User.objects.get(email="sociaal@brugwerk.test")
    client.force_login(enterprise_member)
    html = client.get("/en/vouchers/redeem/").content.decode()
    to_redeem = Voucher.objects.get(
        provider__memberships__user=enterprise_member, status="approved"
    )
    assert to_redeem.code in html


def test_the_demo_employer_may_apply_for_one_more_voucher(seeded):
    employer = User.objects.get(email="werkgever@brugwerk.test")
    firm = employer.memberships.get().organisation
    programme = Programme.objects.open().get(region__slug="handel-samen-sociaal")

    assert lifecycle.eligibility_problems(programme, firm) == []


def test_a_demo_regisseur_decides_on_the_applications_of_the_demo_employers_region(seeded):
    regisseur = User.objects.get(email="regisseur.dender@brugwerk.test")
    assert regisseur.is_staff and not regisseur.is_superuser
    assert list(regisseur.regions.values_list("slug", flat=True)) == ["handel-samen-sociaal"]
    submitted = Voucher.objects.filter(
        programme__region__slug="handel-samen-sociaal", status="submitted"
    ).first()

    lifecycle.approve(submitted, user=regisseur)

    assert Voucher.objects.get(pk=submitted.pk).status == VoucherStatus.APPROVED


def test_seed_demo_prints_the_regisseur_login(reference_data, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")

    assert "regisseur.dender@brugwerk.test" in capsys.readouterr().out


def test_seeding_twice_updates_the_same_rows(seeded):
    before = {
        "programmes": set(Programme.objects.values_list("pk", "slug")),
        "vouchers": set(Voucher.objects.values_list("pk", "code", "status", "amount")),
        "events": VoucherEvent.objects.count(),
        "collaborations": Collaboration.objects.count(),
        "users": User.objects.count(),
    }

    call_command("seed_demo", verbosity=0)

    assert before == {
        "programmes": set(Programme.objects.values_list("pk", "slug")),
        "vouchers": set(Voucher.objects.values_list("pk", "code", "status", "amount")),
        "events": VoucherEvent.objects.count(),
        "collaborations": Collaboration.objects.count(),
        "users": User.objects.count(),
    }


def test_the_demo_providers_and_programmes_have_bank_accounts(seeded):
    """The demo social enterprise can redeem its voucher and the regisseur can download the
    payouts with IBANs, also as a SEPA file (companies/bank_accounts.py, vouchers/sepa.py)."""
    from companies import bank_accounts
    from companies.models import Organisation

    providers = Organisation.objects.filter(pk__in=Voucher.objects.values("provider"))
    assert providers.exists()
    for provider in providers:
        assert bank_accounts.normalise(provider.iban) == provider.iban, provider
    for programme in Programme.objects.all():
        assert bank_accounts.normalise(programme.payer_iban) == programme.payer_iban
        assert programme.payer_name
    to_redeem = Voucher.objects.filter(status=VoucherStatus.APPROVED).first()
    assert lifecycle.redemption_problems(to_redeem) == {}
