"""The demo social spend (procurement/demo.py, through seed_demo)."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from companies import reports
from companies.models import Membership
from procurement import spend
from procurement.models import SpendLine, SpendYear

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def seeded(reference_data, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_the_demo_buyer_has_two_years_and_a_member(seeded):
    membership = Membership.objects.get(user__email="inkoop@brugwerk.test")
    buyer = membership.organisation
    assert buyer.name == "Stad Bilzen-Hoeselt" and buyer.kind == "public"
    found = spend.figures(buyer)
    assert found.year_numbers == [LAST_YEAR, LAST_YEAR - 1]
    for year in found.years:
        assert 0 < year.social < year.total
        assert year.unmatched > 0 and year.other_listed > 0
    assert {part.key for part in found.recognitions} >= {"maatwerkbedrijf", "werkervaring"}


def test_seeding_again_changes_nothing(seeded):
    before = list(SpendLine.objects.order_by("pk").values_list("pk", "amount"))
    years = list(SpendYear.objects.order_by("pk").values_list("pk", "digest"))
    call_command("seed_demo", verbosity=0)
    assert list(SpendLine.objects.order_by("pk").values_list("pk", "amount")) == before
    assert list(SpendYear.objects.order_by("pk").values_list("pk", "digest")) == years


def test_the_report_shows_limburg_in_public(seeded):
    table = reports.get("social-spend").compute(
        reports.Filters(LAST_YEAR, LAST_YEAR), mode=reports.Mode.PUBLIC
    )
    row = next(row for row in table.rows if row.key == f"{LAST_YEAR}:limburg")
    assert row.cells["buyers"].shown == 3
    assert isinstance(row.cells["social"].shown, int) and row.cells["social"].shown > 100_000
