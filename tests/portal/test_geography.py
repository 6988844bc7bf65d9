import pytest

from companies.models import Organisation
from portal import geography
from portal.models import Postcode
from tests.factories import OrganisationFactory, postcode

pytestmark = pytest.mark.django_db


def distance_between(first, second):
    """The distance the database computes from postcode `first` to postcode `second`."""
    return (
        geography.annotate_distance(Postcode.objects.filter(code=second), postcode(first))
        .get()
        .distance_km
    )


def test_point_for_postcode_finds_the_postcode_with_its_coordinates(reference_data):
    point = geography.point_for_postcode(" 3700 ")

    assert point.code == "3700"
    assert point.municipality.name_nl == "Tongeren-Borgloon"
    assert 50.7 < point.latitude < 50.9
    assert 5.3 < point.longitude < 5.6


@pytest.mark.parametrize("code", ["", None, "370", "37000", "abcd", "9999", "3700<b>"])
def test_point_for_postcode_is_none_for_what_is_not_a_known_postcode(reference_data, code):
    assert geography.point_for_postcode(code) is None


def test_tongeren_to_bilzen_is_about_ten_km(reference_data):
    assert 9 < distance_between("3700", "3740") < 15


def test_hasselt_to_gent_is_about_a_hundred_km(reference_data):
    assert 95 < distance_between("3500", "9000") < 115


def test_a_place_is_zero_km_from_itself(reference_data):
    assert distance_between("3700", "3700") == pytest.approx(0, abs=0.01)


def test_distance_to_a_point_matches_the_haversine_formula(reference_data):
    # Brussels Grand-Place to Antwerp Central, about 41 km as the crow flies.
    brussels = geography.Point(50.8467, 4.3525)
    antwerp = Postcode(code="0000", latitude=51.2172, longitude=4.4211)
    distance = geography.haversine_km(brussels, antwerp)

    assert 40 < distance < 43
    annotated = (
        geography.annotate_distance(Postcode.objects.filter(code="2000"), brussels)
        .get()
        .distance_km
    )
    assert annotated == pytest.approx(geography.haversine_km(brussels, postcode("2000")), abs=0.01)


def test_within_keeps_near_rows_and_annotates_their_distance(reference_data):
    tongeren = OrganisationFactory(postcode=postcode("3700"))
    bilzen = OrganisationFactory(postcode=postcode("3740"))
    OrganisationFactory(postcode=postcode("9000"))  # Gent

    found = geography.within(Organisation.objects.all(), postcode("3700"), 25)

    assert {o.pk: round(o.distance_km) for o in found} == {
        tongeren.pk: 0,
        bilzen.pk: round(distance_between("3700", "3740")),
    }


def test_within_is_a_circle_not_only_a_box(reference_data):
    tongeren = postcode("3700")
    south, north, west, east = geography.bounding_box(tongeren, 12)
    lat_step, lon_step = (north - tongeren.latitude), (east - tongeren.longitude)
    inside = Postcode.objects.create(
        code="0001",
        name="Binnen",
        municipality=tongeren.municipality,
        latitude=tongeren.latitude + 0.5 * lat_step,
        longitude=tongeren.longitude + 0.5 * lon_step,
    )
    # Near the corner of the box: inside the box, but about 1.3 times 12 km away.
    Postcode.objects.create(
        code="0002",
        name="Hoek",
        municipality=tongeren.municipality,
        latitude=tongeren.latitude + 0.9 * lat_step,
        longitude=tongeren.longitude + 0.9 * lon_step,
    )

    found = geography.within(Postcode.objects.filter(code__startswith="000"), tongeren, 12)

    assert [p.code for p in found] == [inside.code]


def test_the_bounding_box_holds_the_whole_circle(reference_data):
    point = postcode("3700")
    south, north, west, east = geography.bounding_box(point, 50)

    for corner_distance in [
        geography.haversine_km(point, geography.Point(south, point.longitude)),
        geography.haversine_km(point, geography.Point(north, point.longitude)),
        geography.haversine_km(point, geography.Point(point.latitude, west)),
        geography.haversine_km(point, geography.Point(point.latitude, east)),
    ]:
        assert corner_distance >= 49.9


def test_the_bounding_box_excludes_far_points_before_distances_are_computed(
    reference_data, django_assert_num_queries
):
    far = Postcode.objects.filter(code__in=["8400", "2300", "8900"])  # Oostende, Turnhout, Ieper
    queryset = geography.within(far, postcode("3700"), 30)

    sql = str(queryset.query)
    assert "BETWEEN" in sql
    with django_assert_num_queries(1):
        assert list(queryset) == []
