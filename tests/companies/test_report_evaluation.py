"""/reports/evaluation/ (issue 21, item 3): per year of the ratings, how many organisations gave
each score, the share that would work together again, and how long collaborations last;
protected like the other register sections (companies/disclosure.py: fewer than 3 rating firms
hidden, "x", and as many others as needed so that none can be worked out), filtered by
province, region and service, cached by the data version; the private notes are never shown."""

from datetime import date, datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from companies import reports
from companies.models import Collaboration, CollaborationRating
from portal.models import ServiceCategory
from tests.factories import (
    OrganisationFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    log_in_as,
    postcode,
)

pytestmark = pytest.mark.django_db

THIS_YEAR = date.today().year
RATED = THIS_YEAR - 1
SECRET = "Een geheime opmerking."


def url():
    return reverse("companies:report", kwargs={"slug": "evaluation"})


def figures(client, **params):
    response = client.get(url(), {"from": RATED - 1, "to": RATED, **params, "format": "json"})
    assert response.status_code == 200
    return {row["key"]: row["cells"] for row in response.json()["rows"]}


def collaborate(regular, social, *, started, ended=None, category="groenonderhoud"):
    now = timezone.now()
    return Collaboration.objects.create(
        regular=regular,
        social=social,
        role="client",
        category=ServiceCategory.objects.get(slug=category),
        started=started,
        ended=ended,
        channel="other",
        confirmed_by_regular_at=now,
        confirmed_by_social_at=now,
    )


def rate(collaboration, side, score, again=True, *, year=RATED, period="on_confirmation"):
    rating = CollaborationRating.objects.create(
        collaboration=collaboration,
        side=side,
        period=period,
        score=score,
        would_work_again=again,
        note=SECRET,
    )
    # The year of a rating is the year it was given.
    CollaborationRating.objects.filter(pk=rating.pk).update(
        created_at=timezone.make_aware(datetime(year, 6, 1, 12))
    )
    return rating


@pytest.fixture
def world(reference_data):
    """Five firms in Tongeren (Limburg, region Zuidoost-Limburg) each working with one of two
    enterprises since 2019 (so more than three years), and one collaboration that ended after
    six months; every firm rated 4 (four said they would work together again, one not); the
    enterprises rated 5 and 2; in Antwerpen, one firm rated 1."""
    s1 = SocialEnterpriseFactory(name="Groenwerk", postcode=postcode("3500"))
    s2 = SocialEnterpriseFactory(name="Kringwerk", postcode=postcode("3500"))
    firms = [
        OrganisationFactory(name=f"Tongerse firma {n}", postcode=postcode("3700")) for n in range(5)
    ]
    collabs = [
        collaborate(firm, s1 if n % 2 else s2, started=date(2019, 1, 1))
        for n, firm in enumerate(firms)
    ]
    short = collaborate(firms[0], s1, started=date(RATED, 1, 1), ended=date(RATED, 7, 1))
    for n, collaboration in enumerate(collabs):
        rate(collaboration, "regular", 4, again=n != 0)
    rate(collabs[1], "social", 5)
    rate(short, "social", 2, period="at_end")
    antwerp = OrganisationFactory(name="Antwerpse firma", postcode=postcode("2000"))
    rate(collaborate(antwerp, s1, started=date(2020, 1, 1)), "regular", 1)
    return firms


def test_the_scores_are_counted_by_year_and_the_small_ones_hidden(client, world):
    row = figures(client)[str(RATED)]
    # Eight ratings: 1 (one firm), 2 (one enterprise), 4 (five firms), 5 (one enterprise).
    assert row["score_1"] == row["score_2"] == row["score_5"] == "x"
    assert row["score_3"] == 0
    # The total counts eight organisations: it stays shown. Then three hidden cells summing to
    # 8 - 5 would each be 1 (a hidden cell is never zero): the 5 is hidden with them.
    assert row["ratings"] == 8
    assert row["score_4"] == "x"


def test_the_share_that_would_work_together_again(client, world):
    # Seven of eight said yes, but the "no" is one firm: the share would single it out.
    assert figures(client)[str(RATED)]["again"] == "x"
    administrator = StaffFactory(is_superuser=True)
    log_in_as(client, administrator)
    row = figures(client)[str(RATED)]
    assert row["again"] == round(100 * 7 / 8)
    assert row["ratings"] == 8


def test_the_share_of_collaborations_lasting_more_than_one_and_three_years(client, world):
    log_in_as(client, StaffFactory(is_superuser=True))
    row = figures(client)[str(RATED)]
    # Seven collaborations ran in the year: six since 2019 or 2020, one for six months.
    assert row["collaborations"] == 7
    assert row["over_1"] == round(100 * 6 / 7)
    assert row["over_3"] == round(100 * 6 / 7)


def test_a_year_without_ratings_reads_no_data(client, world):
    log_in_as(client, StaffFactory(is_superuser=True))
    row = figures(client)[str(RATED - 1)]
    assert row["again"] == reports.NO_DATA
    assert row["ratings"] == 0


def test_the_province_filter_narrows_to_the_regular_organisations_place(client, world):
    log_in_as(client, StaffFactory(is_superuser=True))
    limburg = figures(client, province="limburg")[str(RATED)]
    antwerpen = figures(client, province="antwerpen")[str(RATED)]
    assert limburg["ratings"] == 7
    assert antwerpen["ratings"] == 1
    assert antwerpen["score_1"] == 1


def test_the_service_filter(client, world):
    log_in_as(client, StaffFactory(is_superuser=True))
    assert figures(client, category="catering")[str(RATED)]["ratings"] == 0
    assert figures(client, category="groenonderhoud")[str(RATED)]["ratings"] == 8


def test_the_notes_are_never_shown(client, world):
    log_in_as(client, StaffFactory(is_superuser=True))
    for params in ({}, {"format": "csv"}, {"format": "json"}):
        response = client.get(url(), {"from": RATED, "to": RATED, **params})
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET not in body.decode()


def test_the_page_shows_the_table_and_a_chart(client, world):
    response = client.get(url(), {"from": RATED - 1, "to": RATED})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Would work together again (%)" in text or "opnieuw" in text


def test_a_new_rating_moves_the_figures_at_once(client, world):
    log_in_as(client, StaffFactory(is_superuser=True))
    assert figures(client)[str(RATED)]["ratings"] == 8
    firm = OrganisationFactory(postcode=postcode("3500"))
    rate(collaborate(firm, SocialEnterpriseFactory(), started=date(2021, 1, 1)), "regular", 3)
    assert figures(client)[str(RATED)]["ratings"] == 9


# Anonymous: the form's four choices (provinces, regions, categories, recognitions), the data
# version, then the report's own two queries (the ratings by year; the collaborations' lengths
# per year); cached: the version only.
FORM_QUERIES = 4
VERSION = 1
BUILD = 2


def test_the_report_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(FORM_QUERIES + VERSION + BUILD):
        assert client.get(url()).status_code == 200
    for _n in range(10):
        firm = OrganisationFactory(postcode=postcode("3000"))
        rate(collaborate(firm, SocialEnterpriseFactory(), started=date(2015, 1, 1)), "regular", 3)
    with django_assert_num_queries(FORM_QUERIES + VERSION + BUILD):
        assert client.get(url()).status_code == 200
    with django_assert_num_queries(FORM_QUERIES + VERSION):
        assert client.get(url()).status_code == 200


def test_a_regisseur_sees_who_gave_a_score_in_their_region(client, world):
    from portal.models import Region

    regisseur = StaffFactory()
    region = Region.objects.get(slug="zuidoost-limburg")
    region.regisseurs.add(regisseur)
    log_in_as(client, regisseur)
    response = client.get(
        url(),
        {"from": RATED, "to": RATED, "region": region.slug, "row": RATED, "column": "score_4"},
    )
    assert response.status_code == 200
    assert {o.name for o in response.context["behind"].organisations} == {
        f"Tongerse firma {n}" for n in range(5)
    }


@pytest.mark.postgres
def test_the_lengths_by_bits_count_what_the_portable_query_counts(world, monkeypatch):
    """PostgreSQL counts the firms over the bits of their years; the portable query (SQLite's,
    and PostgreSQL's beyond 62 years) counts the same."""
    section = reports.get("evaluation")
    filters = reports.Filters(year_from=2015)
    by_bits = section.lasted(filters)
    monkeypatch.setattr(reports, "_MASK_YEARS", 0)
    assert section.lasted(filters) == by_bits
    assert by_bits[f"n_{RATED}"] == 7
