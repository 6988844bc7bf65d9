"""The directory's demo data (companies/demo.py, through seed_demo)."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from companies import search
from companies.demo import demo_enterprise_number
from companies.models import (
    Collaboration,
    CollaborationChannel,
    CollaborationRole,
    Organisation,
    OrganisationKind,
)
from portal.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data, settings):
    settings.DEBUG = True


def test_at_least_forty_organisations_across_the_regions_and_the_rest_of_flanders(seeded):
    assert Organisation.objects.count() >= 40
    for region in Region.objects.all():
        assert Organisation.objects.filter(municipality__regions=region).count() >= 3, region
    outside = Organisation.objects.exclude(municipality__regions__isnull=False)
    assert outside.count() >= 8
    assert outside.values("province").distinct().count() >= 4


def test_most_social_enterprises_offer_services_and_have_recognitions(seeded):
    social = Organisation.objects.social()
    assert social.count() >= 20
    assert social.filter(services__isnull=True).count() == 0
    assert social.filter(recognitions__isnull=True).count() == 0
    assert Organisation.objects.filter(verified_at__isnull=True).count() >= 5


def test_the_first_organisations_keep_their_enterprise_numbers(seeded):
    assert Organisation.objects.get(enterprise_number=demo_enterprise_number(1)).name == (
        "Groenwerk Haspengouw"
    )
    assert Organisation.objects.get(enterprise_number=demo_enterprise_number(14)).name == (
        "Werkhuis Tienen"
    )


def test_the_demo_is_searchable_and_has_confirmed_collaborations(seeded):
    found = search.search(Organisation.objects.all(), "groenonderhoud")

    assert "Groenwerk Haspengouw" in {o.name for o in found}
    assert Collaboration.objects.confirmed().count() >= 3


def test_seeding_twice_changes_nothing(seeded):
    counts = (Organisation.objects.count(), Collaboration.objects.count())
    kinds = set(Organisation.objects.values_list("kind", flat=True))

    call_command("seed_demo", verbosity=0)

    assert (Organisation.objects.count(), Collaboration.objects.count()) == counts
    assert kinds == set(OrganisationKind.values)


def test_collaborations_since_2012_give_every_report_something(seeded, client):
    """Every year, channel, role and service; some ended, some waiting or disputed; public
    cells above and below the threshold of three firms; something for the demo users to
    confirm. (One test: seeding is what takes the time.)"""
    from portal.models import ServiceCategory, User

    confirmed = Collaboration.objects.confirmed()
    assert set(confirmed.values_list("started__year", flat=True)) == set(range(2012, 2027))
    assert set(confirmed.values_list("channel", flat=True)) == set(CollaborationChannel.values)
    assert set(confirmed.values_list("role", flat=True)) == set(CollaborationRole.values)
    assert confirmed.values("category").distinct().count() == ServiceCategory.objects.count()
    assert confirmed.filter(ended__isnull=False).count() >= 10
    assert confirmed.filter(source="import").exists()
    unconfirmed = Collaboration.objects.exclude(pk__in=confirmed)
    assert unconfirmed.filter(disputed_at__isnull=True).count() >= 3
    assert unconfirmed.filter(disputed_at__isnull=False).count() >= 2

    # Regular firms as clients per province and start year: shown and suppressed cells.
    cells = (
        confirmed.filter(regular__kind=OrganisationKind.REGULAR, role=CollaborationRole.CLIENT)
        .values("regular__province", "started__year")
        .annotate(firms=Count("regular", distinct=True))
    )
    firms = [cell["firms"] for cell in cells]
    assert any(count >= 3 for count in firms)
    assert any(count < 3 for count in firms)
    assert confirmed.values("regular__province").distinct().count() >= 5

    for email in ["werkgever@brugwerk.test", "sociaal@brugwerk.test"]:
        client.force_login(User.objects.get(email=email))
        assert "Collaborations to confirm" in client.get("/en/dashboard/").content.decode()


def test_the_demo_rates_its_collaborations_so_the_evaluation_report_shows_figures(seeded, client):
    from companies import reports
    from companies.models import CollaborationRating

    rated = CollaborationRating.objects.all()
    assert rated.count() >= 100
    # Only confirmed collaborations, every period kind, and every score.
    assert not rated.exclude(collaboration__in=Collaboration.objects.confirmed()).exists()
    periods = set(rated.values_list("period", flat=True))
    assert {"on_confirmation", "at_end", "year-1"} <= periods
    assert set(rated.values_list("score", flat=True)) == {1, 2, 3, 4, 5}
    # Seeding again adds none and changes none.
    before = sorted(rated.values_list("collaboration", "side", "period", "score", "created_at"))
    call_command("seed_demo", verbosity=0)
    after = sorted(rated.values_list("collaboration", "side", "period", "score", "created_at"))
    assert after == before

    # The public report shows figures for the years with ratings.
    table = reports.get("evaluation").compute(
        reports.Filters(year_from=2016, year_to=2025), mode=reports.Mode.PUBLIC
    )
    shown = [
        cell
        for row in table.rows
        for key, cell in row.cells.items()
        if key.startswith("score_") and isinstance(cell.value, int) and cell.value >= 3
    ]
    assert len([cell for cell in shown if not cell.hidden]) >= 10
    assert any(not row.cells["again"].hidden for row in table.rows)
