"""The reports' charts and maps as a reader sees them (issue 21, items 5 and 6): every series
named and drawn, whole labels, every municipality or province drawn once, and colours that say
what the table says: a map hides exactly the figures its table hides."""

# ruff: noqa: F811 (the fixtures of test_reports.py, imported, are the tests' arguments)

import re

import pytest
from django.urls import reverse
from django.utils import translation

from companies import report_charts, reports
from companies.models import Organisation
from portal import maps
from portal.models import Municipality, Province
from tests.companies.test_reports import (  # noqa: F401 (fixtures)
    figures,
    log_in_as,
    page_table,
    services_in_limburg,
    world,
)


def url(slug, prefix=""):
    with translation.override("nl"):  # the path without a language prefix
        return prefix + reverse("companies:report", kwargs={"slug": slug})


def figure(html, key):
    start = html.index('<figure class="map choropleth')
    start = html.index(f'id="{key}"', start)
    return html[start : html.index("</figure>", start)]


def shapes(map_html):
    """[(NIS code, class), ...] of every shape, in the order drawn: a path of its own, or a
    <use> of the page's outline of that municipality."""
    return [
        (code, css)
        for css, code in re.findall(
            r'<(?:path d="[^"]+"|use href="#outline-\d+") fill="[^"]+" class="([^"]+)" '
            r'data-code="(\d+)"',
            map_html,
        )
    ]


def legend(map_html):
    """{class: label} of the legend."""
    return dict(re.findall(r'<li class="(choropleth__[\w-]+)">.*?</svg> ([^<]+)</li>', map_html))


def in_class(value, label):
    """Whether `value` lies in the class a legend label names (in English)."""
    if match := re.fullmatch(r"(\d+) to (\d+)", label):
        return int(match[1]) <= value <= int(match[2])
    if match := re.fullmatch(r"(\d+) or more", label):
        return value >= int(match[1])
    return label.isdigit() and value == int(label)


# --- Maps of municipalities: each drawn once ---------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"category": "groenonderhoud", "province": "limburg"}])
def test_every_municipality_is_drawn_once_on_each_map_of_the_blind_spots(
    client, services_in_limburg, params
):
    html = client.get(url("blind-spots"), params).content.decode()
    flemish = set(Municipality.objects.current().flemish().values_list("nis_code", flat=True))
    for key in ("blind-spots-map", "enterprises-map"):
        drawn = [code for code, _css in shapes(figure(html, key))]
        assert len(drawn) == len(set(drawn)) == 304, key
        assert flemish <= set(drawn), key
        assert "style=" not in figure(html, key)
        # Each drawn from the page's one outline of the municipality.
        used = re.findall(r'<use href="#outline-(\d+)"[^>]* data-code="(\d+)"', figure(html, key))
        assert len(used) == 304 and all(href == code for href, code in used)
    sprite = re.findall(r'<path id="outline-(\d+)" d="', html)
    assert len(sprite) == len(set(sprite)) == 304
    assert html.count('<svg class="map__outlines"') == 1


def test_the_blind_spots_map_colours_what_the_table_says(client, services_in_limburg):
    params = {"category": "groenonderhoud", "province": "limburg"}
    html = client.get(url("blind-spots", "/en"), params).content.decode()
    found = figures(client, "blind-spots", **params)["groenonderhoud"]
    limburg = Municipality.objects.current().flemish().filter(province__slug="limburg")
    missing = set(found["municipalities"].split(", ")) if found["municipalities"] else set()
    assert 0 < len(missing) < limburg.count()  # the fixture tests something
    drawn = dict(shapes(figure(html, "blind-spots-map")))
    names = legend(figure(html, "blind-spots-map"))
    for municipality in limburg:
        css = drawn[municipality.nis_code]
        expected = "not reached" if municipality.name_nl in missing else "reached"
        assert names[css] == expected, municipality
    # Outside the choice: neither reached nor not, and the legend says so.
    outside = {code for code, css in drawn.items() if css == maps.MISSING_CSS}
    assert len(outside) == 304 - limburg.count()
    assert names[maps.MISSING_CSS] == "outside this choice"
    # Under the map, the province's figures and its names, folded.
    table = html[html.index('class="report-table report-table--provinces"') :]
    table = table[: table.index("</table>")]
    row = re.search(
        r"<th scope=\"row\">Limburg</th>\s*<td class=\"number\">(\d+)</td>\s*"
        r"<td class=\"number\">(\d+)</td>",
        table,
    )
    assert (int(row[1]), int(row[2])) == (limburg.count(), len(missing))
    assert f"<summary>{len(missing)} municipalities in Limburg</summary>" in table
    assert set(re.findall(r"<li>([^<]+?)</li>", table)) == missing


def test_the_enterprises_map_counts_the_verified_enterprises_of_each_municipality(
    client, services_in_limburg
):
    html = client.get(url("blind-spots", "/en")).content.decode()
    map_html = figure(html, "enterprises-map")
    names = legend(map_html)
    drawn = dict(shapes(map_html))
    # What the map must say, worked out here: an enterprise in a merged municipality counts in
    # the one it merged into; the unverified one in Tongeren does not count.
    expected = {}
    for enterprise in Organisation.objects.social().verified().select_related("municipality"):
        place = enterprise.municipality.merged_into or enterprise.municipality
        expected[place.nis_code] = expected.get(place.nis_code, 0) + 1
    assert len(expected) == 2  # Tongeren and Gent: the fixture tests something
    flemish = set(Municipality.objects.current().flemish().values_list("nis_code", flat=True))
    for code, css in drawn.items():
        if code in flemish:
            assert in_class(expected.get(code, 0), names[css]), code
        else:
            assert css == maps.MISSING_CSS  # Brussels lies outside the report's choice
    tongeren = services_in_limburg.municipality.merged_into or services_in_limburg.municipality
    assert f"<title>{tongeren.name}: 1</title>" in map_html


def test_the_blind_spots_page_is_a_map_and_a_table_per_province_not_a_list(
    client, services_in_limburg
):
    html = client.get(url("blind-spots")).content.decode()
    # The long lists of names are folded: none is written out of a <details>.
    unfolded = re.sub(r"<details>.*?</details>", "", html, flags=re.S)
    assert "Aalst, Aalter" not in unfolded
    assert "Aalst, Aalter" in html


# --- The map of provinces: what the table shows, hatched where it hides -------------------------


@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_the_firms_map_colours_exactly_the_cells_the_table_shows(client, world, who):
    if who != "anonymous":
        log_in_as(client, getattr(world, who))
    params = {"from": "2015", "to": "2016"}
    html = client.get(url("firms", "/en"), params).content.decode()
    map_html = figure(html, "firms-map")
    assert "Regular organisations working with a social enterprise in 2016" in map_html
    drawn = dict(shapes(map_html))
    names = legend(map_html)
    # One shape per province and one for Brussels, each drawn once.
    assert sorted(drawn) == sorted(
        [*Province.objects.filter(region="flanders").values_list("nis_code", flat=True), "21000"]
    )
    header, *rows = page_table(client.get(url("firms", "/en"), params))
    any_role = header.index("Any role")
    with translation.override("en"):
        codes = {province.name: province.nis_code for province in Province.objects.all()}
    hidden_seen = 0
    for row in rows:
        if row[0] != "2016" or row[1] == "All provinces":
            continue
        shown, css = row[any_role], drawn[codes[row[1]]]
        if shown in (reports.SMALL, reports.HIDDEN):
            assert css == maps.HIDDEN_CSS, row
            hidden_seen += 1
        else:
            assert css.startswith("choropleth__class--"), row
            assert in_class(int(shown), names[css]), (row, names[css])
    assert (hidden_seen > 0) == (who == "anonymous")
    if hidden_seen:
        assert names[maps.HIDDEN_CSS].startswith("hidden")
        assert 'fill="url(#firms-map-hidden)"' in map_html
    # Brussels counted nobody: it is outside the table and outside the colours.
    assert drawn["21000"] == maps.MISSING_CSS
    # Every class drawn is in the legend, and each shape's fill is its legend entry's colour.
    assert set(drawn.values()) <= set(names)


def test_a_province_map_of_a_choice_with_no_figure_is_not_drawn(client, world):
    html = client.get(url("firms"), {"from": "2012", "to": "2013"}).content.decode()
    assert 'id="firms-map"' not in html


# --- Charts: every series named and drawn, whole labels -----------------------------------------


def test_the_firms_chart_draws_and_names_every_role_and_any_role(client, world):
    log_in_as(client, world.administrator)
    html = client.get(url("firms", "/en"), {"from": "2015", "to": "2016"}).content.decode()
    chart = html[html.index('<figure class="chart') : html.index("</figure>")]
    drawn = re.findall(r'<g class="chart__series [^"]+" data-series="([^"]+)">', chart)
    named = re.findall(r'aria-hidden="true"></span>([^<]+)</li>', chart)
    assert drawn == named == ["Clients", "Suppliers", "Partners", "Any role"]
    # The last figure of each line is written at its end: 6, 2, 1 and 8 firms in 2016.
    ends = re.findall(r'class="chart__value chart__end [^"]+" x="[\d.]+" y="[\d.]+">(\d+)<', chart)
    assert sorted(ends) == sorted(["6", "2", "1", "8"])
    assert "chart__note" not in chart  # nothing hidden


def test_a_hidden_figure_is_a_gap_with_a_note(client, world):
    html = client.get(url("firms", "/en"), {"from": "2014", "to": "2016"}).content.decode()
    chart = html[html.index('<figure class="chart') : html.index("</figure>")]
    assert len(re.findall(r'data-series="', chart)) == 4  # every series, drawn or not
    assert "A gap in a line is a figure kept hidden" in chart
    # In 2016 alone, every supplier and partner figure is hidden: each is named in the legend all
    # the same, and said to be hidden; clients and the firms in any role (a safe total, kept
    # shown by the disclosure control) are drawn.
    html = client.get(url("firms", "/en"), {"from": "2016", "to": "2016"}).content.decode()
    chart = html[html.index('<figure class="chart') : html.index("</figure>")]
    legend = re.findall(
        r'aria-hidden="true"></span>([^<]+?)(?: <span class="muted">\((hidden)\)</span>)?</li>',
        chart,
    )
    assert legend == [
        ("Clients", ""),
        ("Suppliers", "hidden"),
        ("Partners", "hidden"),
        ("Any role", ""),
    ]
    assert "style=" not in chart


def test_a_line_breaks_at_a_hidden_figure():
    shown, hidden = reports.Cell.count(5), reports.Cell.count(1)
    hidden.hidden = reports.SMALL
    drawn = report_charts.lines(
        ["2014", "2015", "2016"],
        [{"label": "a", "cells": [shown, hidden, reports.Cell.count(7)]}],
    )
    assert drawn["series"][0]["path"].count("M") == 2
    assert len(drawn["series"][0]["points"]) == 2
    assert drawn["hidden"] == 1


def test_line_ends_never_overlap():
    cells = [reports.Cell.count(10), reports.Cell.count(10), reports.Cell.count(11)]
    drawn = report_charts.lines(
        ["2016"], [{"label": str(n), "cells": [c]} for n, c in enumerate(cells)]
    )
    ys = sorted(end["y"] for end in drawn["ends"])
    assert all(b - a >= report_charts.END_LABEL_GAP for a, b in zip(ys, ys[1:], strict=False))


def test_bar_labels_are_whole_however_long_and_alike():
    first = "Cheque voor een eerste samenwerking met de sociale economie, oproep 2025"
    second = first.replace("2025", "2026")
    drawn = report_charts.bars(
        [first, second],
        [{"label": "Vouchers", "cells": [reports.Cell.count(4), reports.Cell.count(9)]}],
    )
    assert [group["label"] for group in drawn["groups"]] == [first, second]
    assert [bar["width"] for group in drawn["groups"] for bar in group["bars"]] == [400.0, 900.0]


def test_the_bar_chart_names_every_row_in_full_with_its_value(client, world):
    log_in_as(client, world.administrator)
    html = client.get(url("services", "/en"), {"from": "2016", "to": "2016"}).content.decode()
    chart = html[html.index('<figure class="chart') : html.index("</figure>")]
    labels = re.findall(r'<span class="bars__label">([^<]+)</span>', chart)
    values = re.findall(r'<span class="bars__value[^"]*">([^<]+)</span>', chart)
    header, *rows = page_table(client.get(url("services", "/en"), {"from": "2016", "to": "2016"}))
    drawn_rows = [row for row in rows if any(cell not in ("0", "") for cell in row[1:])]
    assert labels == [row[0] for row in drawn_rows]
    assert values == [row[-1] for row in drawn_rows]
    assert re.findall(r'aria-hidden="true"></span>([^<]+)</li>', chart) == [
        header[-1]
    ]  # the series, in the legend


def test_bars_of_several_series_name_the_series_at_each_value():
    drawn = report_charts.bars(
        ["2025"],
        [
            {"label": "Applied", "cells": [reports.Cell.count(4)]},
            {"label": "Redeemed", "cells": [reports.Cell.count(3)]},
        ],
    )
    assert drawn["named"] is True
    assert [bar["series"] for bar in drawn["groups"][0]["bars"]] == ["Applied", "Redeemed"]


def test_the_blind_spots_page_shows_its_maps_before_the_ranking(client, services_in_limburg):
    content = client.get(url("blind-spots")).content.decode()
    assert content.index('<figure class="map choropleth') < content.index("chart--bars")
    # Other reports keep their chart first.
    firms = client.get(url("firms")).content.decode()
    if '<figure class="map choropleth' in firms:
        assert firms.index('class="chart') < firms.index('<figure class="map choropleth')
