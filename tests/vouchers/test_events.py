"""A voucher's history in words (VoucherEvent.description): who took the step and when, with the
status labels and dates of the reader's language, on the admin's voucher page too."""

from datetime import datetime

import pytest
from django.utils import timezone, translation

from tests.factories import log_in_as
from vouchers.models import VoucherEvent

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 3, 10, 30)


def event_of(voucher, to_status):
    event = VoucherEvent.objects.select_related("actor").get(voucher=voucher, to_status=to_status)
    event.at = timezone.make_aware(AT)
    return event


@pytest.mark.parametrize(
    ("language", "submitted", "approved"),
    [
        (
            "nl",
            "Ingediend door Erik Employer op 3 december 2026",
            "Goedgekeurd door Rita Regisseur op 3 december 2026",
        ),
        (
            "fr",
            "Soumis par Erik Employer le 3 décembre 2026",
            "Approuvé par Rita Regisseur le 3 décembre 2026",
        ),
        (
            "en",
            "Submitted by Erik Employer on 3 December 2026",
            "Approved by Rita Regisseur on 3 December 2026",
        ),
    ],
)
def test_an_event_says_who_took_the_step_and_when(voucher_in, language, submitted, approved):
    voucher = voucher_in("approved")

    with translation.override(language):
        assert str(event_of(voucher, "submitted")) == submitted
        assert str(event_of(voucher, "approved")) == approved


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "Verlopen op 3 december 2026"), ("fr", "Expiré le 3 décembre 2026")],
)
def test_the_portals_own_step_names_nobody(voucher_in, language, expected):
    voucher = voucher_in("expired")

    with translation.override(language):
        assert str(event_of(voucher, "expired")) == expected


def test_a_deleted_account_leaves_the_step_and_its_day(voucher_in, world):
    voucher = voucher_in("paid")
    world.regisseur.delete()

    with translation.override("nl"):
        assert str(event_of(voucher, "paid")) == "Als uitbetaald gemarkeerd op 3 december 2026"


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (
            "",
            ["Ingediend door Erik Employer op", "Goedgekeurd door Rita Regisseur op"],
        ),
        ("/fr", ["Soumis par Erik Employer le", "Approuvé par Rita Regisseur le"]),
    ],
)
def test_the_voucher_page_shows_the_history_in_words(client, world, voucher_in, prefix, expected):
    voucher = voucher_in("approved")
    log_in_as(client, world.regisseur)

    page = client.get(f"{prefix}/admin/vouchers/voucher/{voucher.pk}/change/").content.decode()

    for words in expected:
        assert words in page
    assert "– → submitted" not in page
    assert "→ approved" not in page
