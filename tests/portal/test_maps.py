"""The SVG maps (portal/maps.py): the built outlines, the projection, the directory's map of
results and the choropleth of the blind-spots report."""

import filecmp
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portal import maps
from portal.models import Municipality, ServiceCategory
from tests.factories import (
    OfferedServiceFactory,
    SocialEnterpriseFactory,
    listed_organisation,
    postcode,
)

DATA = Path(__file__).resolve().parents[2] / "data"
SOURCES = DATA.parent.parent / "shared" / "data"
DIRECTORY = reverse("companies:directory")

GENT = (51.0543, 3.7174)
HASSELT = (50.9307, 5.3378)
ANTWERPEN = (51.2194, 4.4025)
BRUSSEL = (50.8467, 4.3525)


def markers(html):
    return re.findall(r'<a href="([^"]+)" aria-label="([^"]+)" class="map__link">', html)


# --- The outlines and the projection ---------------------------------------------------------


def test_the_outlines_hold_every_flemish_and_brussels_municipality_and_stay_small():
    shapes = maps.outlines().municipalities
    regions = [shape["region"] for shape in shapes]
    assert regions.count("flanders") == 285
    assert regions.count("brussels") == 19
    assert all(re.fullmatch(r"(M\d+ \d+l[-\d ]+z)+", shape["path"]) for shape in shapes)
    assert maps.OUTLINES_PATH.stat().st_size < 150_000


@pytest.mark.django_db
def test_every_current_flemish_municipality_has_an_outline(reference_data):
    drawn = {shape["nis"] for shape in maps.outlines().municipalities}
    current = set(Municipality.objects.current().flemish().values_list("nis_code", flat=True))
    assert current <= drawn


def test_the_map_has_north_up_and_east_to_the_right():
    gent, hasselt = maps.project(*GENT), maps.project(*HASSELT)
    antwerpen, brussel = maps.project(*ANTWERPEN), maps.project(*BRUSSEL)
    assert hasselt[0] > gent[0]  # Hasselt lies east of Gent
    assert antwerpen[1] < brussel[1]  # Antwerp lies north of Brussels
    for x, y in (gent, hasselt, antwerpen, brussel):
        assert 0 < x < maps.outlines().width and 0 < y < maps.outlines().height


def test_a_km_is_as_long_across_as_up():
    # Gent to Hasselt is about 113 km (haversine); on the map within 1 %.
    (x1, y1), (x2, y2) = maps.project(*GENT), maps.project(*HASSELT)
    assert abs(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 / maps.km_to_units(1) - 113.3) < 1.2


@pytest.mark.skipif(not SOURCES.is_dir(), reason=f"raw sources not found at {SOURCES}")
def test_rebuilding_gives_the_committed_outlines(tmp_path):
    result = subprocess.run(
        [sys.executable, str(DATA / "build.py"), str(SOURCES), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert filecmp.cmp(
        DATA / maps.OUTLINES_PATH.name, tmp_path / maps.OUTLINES_PATH.name, shallow=False
    )
    assert "municipality outlines: 304 municipalities" in result.stdout


# --- The directory's map of results ----------------------------------------------------------


@pytest.fixture
def placed(reference_data, db):
    return [
        listed_organisation(name="Groenwerk Haspengouw", code="3700"),
        listed_organisation(name="Tuinploeg Gent", code="9000"),
        listed_organisation(name="Atelier Namur", code="5000"),
    ]


@pytest.mark.django_db
def test_the_directory_draws_the_results_of_the_page_linked_to_their_profiles(client, placed):
    html = client.get(DIRECTORY).content.decode()

    assert 'role="group" aria-labelledby="results-map-title"' in html
    assert "de lijst met resultaten noemt ze als tekst" in html  # the page is in Dutch
    drawn = markers(html)
    profiles = {reverse("companies:profile", args=[o.slug]): o.name for o in placed}
    # Namur lies outside the map of Flanders: the caption says so.
    assert dict(drawn) == {url: name for url, name in profiles.items() if name != "Atelier Namur"}
    assert "1 resultaat van deze pagina ligt buiten de kaart." in html
    assert "Statbel" in html  # the boundaries' attribution
    assert html.count('<g class="map__land" aria-hidden="true">') == 1


@pytest.mark.django_db
def test_the_map_shows_the_searched_place_and_its_radius(client, placed):
    html = client.get(DIRECTORY, {"postcode": "3700", "km": "30"}).content.decode()

    assert [name for _, name in markers(html)] == ["Groenwerk Haspengouw"]
    x, y = maps.project(postcode("3700").latitude, postcode("3700").longitude)
    assert f'<circle class="map__radius" cx="{x}" cy="{y}" r="300.0"/>' in html
    assert "De cirkel toont 30 km rond 3700 Tongeren." in html
    assert 'class="map__place"' in html


@pytest.mark.django_db
def test_the_map_writes_its_numbers_with_a_point_in_every_language(client, placed):
    for language in ["nl", "fr", "en"]:
        html = client.get(
            DIRECTORY, {"postcode": "3700", "km": "30"}, headers={"accept-language": language}
        ).content.decode()
        svg = html[html.index("<svg class=") : html.index("</svg>")]
        assert not re.search(r'(cx|cy|r)="[^"]*,', svg), language


@pytest.mark.django_db
def test_the_map_carries_no_inline_style_or_script(client, placed):
    html = client.get(DIRECTORY, {"postcode": "3700", "km": "30"}).content.decode()
    figure = html[html.index('<figure class="map') : html.index("</figure>")]
    assert "style=" not in figure
    assert "<script" not in figure
    assert " on" not in re.sub(r"<title[^>]*>.*?</title>", "", figure)  # no onclick= and such


@pytest.mark.django_db
def test_an_empty_result_draws_no_map(client, placed):
    html = client.get(DIRECTORY, {"q": "zzzzzzzzzz"}).content.decode()
    assert "map__svg" not in html


@pytest.mark.django_db
def test_the_map_costs_no_query_whatever_the_number_of_results(client, reference_data):
    def queries(per_page):
        client.get(DIRECTORY, {"per_page": per_page})
        with CaptureQueriesContext(connection) as captured:
            response = client.get(DIRECTORY, {"per_page": per_page})
        return len(captured), len(markers(response.content.decode()))

    listed_organisation(name="Eerste", code="3700")
    few = queries("200")
    for n in range(30):
        listed_organisation(name=f"Onderneming {n:02d}", code=["3700", "9000", "2000"][n % 3])
    many = queries("200")
    assert few[1] == 1 and many[1] == 31
    assert few[0] == many[0]


# --- Choropleths -----------------------------------------------------------------------------


@translation.override("en")
def test_a_scale_names_its_classes_in_the_legend():
    scale = maps.Scale([0, 1, 5, 10])
    assert [label for _, label in scale.legend()] == ["0", "1 to 4", "5 to 9", "10 or more"]
    assert scale.colour(0) == scale.colours[0]
    assert scale.colour(4) == scale.colours[1]
    assert scale.colour(250) == scale.colours[-1]
    assert scale.colour(None) == maps.NO_DATA
    with pytest.raises(ValueError):
        maps.Scale([0, 1], colours=["#fff"])


@translation.override("en")
def test_a_choropleth_of_provinces_draws_one_shape_per_province_with_a_legend():
    chart = maps.choropleth(
        {"70000": 12, "10000": 3}, scale=maps.Scale([0, 5, 10]), by="province", missing=0
    )
    # Antwerp, Flemish Brabant, West and East Flanders, Limburg, and Brussels (21000).
    assert len(chart.shapes) == 6
    colours = sorted(shape.colour for shape in chart.shapes)
    assert colours.count(maps.Scale([0, 5, 10]).colours[0]) == 5
    assert [label for _, label in chart.legend] == ["0 to 4", "5 to 9", "10 or more"]


def test_a_choropleth_of_municipalities_marks_those_without_a_value():
    chart = maps.choropleth(
        {"71072": 2}, scale=maps.Scale([0, 1]), labels={"71072": "Hasselt"}, missing_label="elders"
    )
    assert len(chart.shapes) == 304
    assert [shape.label for shape in chart.shapes if shape.label] == ["Hasselt: 2"]
    assert tuple(chart.legend[-1]) == (maps.NO_DATA, "elders")
    with pytest.raises(ValueError):
        maps.choropleth({}, scale=maps.Scale([0]), by="arrondissement")


def choropleth_of(html):
    start = html.index('<figure class="map choropleth')
    return html[start : html.index("</figure>", start)]


@pytest.fixture
def green_in_tongeren(reference_data, db):
    tongeren = SocialEnterpriseFactory(postcode=postcode("3700"), verified_at=timezone.now())
    OfferedServiceFactory(
        organisation=tongeren,
        category=ServiceCategory.objects.get(slug="groenonderhoud"),
        radius_km=8,
    )
    return tongeren


@pytest.mark.django_db
def test_the_blind_spots_report_maps_the_municipalities_left_out(client, green_in_tongeren):
    url = reverse("companies:report", kwargs={"slug": "blind-spots"})

    html = client.get(url).content.decode()
    figure = choropleth_of(html)
    assert 'role="img"' in figure
    assert "Aantal dienstencategorieën die geen enkele geverifieerde sociale" in figure
    assert figure.count('<use href="#outline-') == 304  # from the page's outlines (issue 21)
    assert html.count('<path id="outline-') == 304
    assert "style=" not in figure

    html = client.get(url, {"category": "groenonderhoud", "province": "limburg"}).content.decode()
    figure = choropleth_of(html)
    assert "Gemeenten die geen enkele geverifieerde sociale onderneming met" in figure
    legend = re.findall(r'<rect width="10" height="10" fill="(#\w+)"/></svg> ([^<]+)</li>', figure)
    assert [label for _, label in legend] == ["bereikt", "niet bereikt", "buiten deze keuze"]
    tongeren = Municipality.objects.get(nis_code="73111")
    assert f"<title>{tongeren.name}: 0</title>" in figure


@pytest.mark.django_db
def test_the_printed_guide_maps_every_organisation_it_prints(client, placed):
    html = client.get(DIRECTORY, {"format": "print", "group": "municipality"}).content.decode()

    assert sorted(name for _, name in markers(html)) == ["Groenwerk Haspengouw", "Tuinploeg Gent"]
    assert "1 resultaat van deze pagina ligt buiten de kaart." in html


def test_organisations_at_one_postcode_are_laid_apart_to_be_clicked_each():
    class At:
        latitude, longitude = 50.78, 5.46

        def __init__(self, name):
            self.name = name

    drawn = maps.results_map([At(f"Org {n}") for n in range(20)], url=lambda o: "/")
    points = [(m.x, m.y) for m in drawn.markers]
    assert points[0] == maps.project(At.latitude, At.longitude)
    gaps = [
        ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
        for i, a in enumerate(points)
        for b in points[i + 1 :]
    ]
    # No marker covers another's centre, and all stay within 10 km of their postcode.
    assert min(gaps) > drawn.marker_radius
    assert max(gaps) < 2 * maps.km_to_units(10)


# --- Provinces: the municipalities' outlines dissolved (issue 21) ------------------------------


def _edges(path):
    return {
        (a, b) if a < b else (b, a)
        for ring in maps._rings(path)
        for a, b in zip(ring, ring[1:], strict=False)
        if a != b
    }


def test_a_municipality_dissolved_alone_is_its_own_outline():
    hasselt = next(m for m in maps.outlines().municipalities if m["nis"] == "71072")
    assert _edges(maps.dissolve([hasselt["path"]])) == _edges(hasselt["path"])


def test_two_neighbours_dissolved_lose_the_border_they_share_and_keep_the_rest():
    by_code = {m["nis"]: m["path"] for m in maps.outlines().municipalities}
    hasselt, genk = by_code["71072"], by_code["71016"]
    shared = _edges(hasselt) & _edges(genk)
    assert shared  # neighbours: the outlines are noded
    union = _edges(maps.dissolve([hasselt, genk]))
    assert not union & shared
    assert union == (_edges(hasselt) | _edges(genk)) - shared


def test_each_province_is_one_outline_a_fraction_of_its_municipalities():
    provinces = maps._shapes_by("province")
    assert sorted(provinces) == ["10000", "20001", "21000", "30000", "40000", "70000"]
    municipalities = sum(len(m["path"]) for m in maps.outlines().municipalities)
    assert sum(len(path) for path in provinces.values()) < municipalities / 4
    # Flemish Brabant keeps a hole where Brussels lies: Brussels' outline is one of its rings.
    assert _edges(provinces["21000"]) <= _edges(provinces["20001"])
