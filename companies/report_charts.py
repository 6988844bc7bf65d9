"""The reports' charts, drawn on the server: no script, no library, no CDN.

This module measures (scales, ticks, coordinates); templates/companies/reports/_chart.html
draws. Geometry goes in SVG attributes and colours and line patterns in CSS classes
(static/css/brugwerk.css), since the Content-Security-Policy forbids inline styles. A chart is
an image with a title (role="img"); its figures are in the table after it, which is its text
alternative.

Every series is drawn and named in the legend, even alone. A hidden figure ("<3", "x") is not
drawn: a line breaks there (a point between two hidden ones stays a dot), a bar is left out and
its value says what the table says; a note under the chart says why there are gaps.

Two shapes, each chosen to stay readable from a phone of 360 px to a full-width desktop and on
paper:
- Rankings are horizontal bars laid out in HTML: the label is text above its bars, so it wraps
  over as many lines as it needs and is never cut (programmes named alike differ at their end);
  each bar is a small SVG stretched to the width left by its value, which is written after it.
- Years are lines in one SVG, 720 units wide and as wide as the page. Its text is sized in the
  stylesheet per screen width (units shrink on a phone), and each line's last value is written
  at its end, pushed apart so that two ends never overlap.

The reports' maps are measured here too, on portal/maps.py: `province_map` (a column of a year
and province table for the last year with figures, e.g. firms in any role on /reports/firms/)
colours exactly the cells the protected table shows and hatches exactly those it hides;
`blind_spot_maps` draws the municipalities no verified enterprise reaches, with a table per
province under it (the names folded), then the verified enterprises per municipality, both from
one sprite of outlines.
"""

import math

from django.utils.translation import gettext

from portal import maps

from . import reports
from .reports import Chart

WIDTH = 720
SERIES_CLASSES = 4  # chart__series--1 .. --4 in the stylesheet
BAR_UNITS = 1000  # a bar's SVG is this wide; the bar is its share of the largest figure
# The room of a line's end label, in units, and the least distance between two of them.
END_LABEL_WIDTH, END_LABEL_GAP = 78, 26


def _step(largest, ticks=4):
    """A round step (1, 2 or 5 times a power of ten; whole numbers) for about `ticks` ticks."""
    if largest <= 0:
        return 1
    rough = largest / ticks
    power = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    for multiple in (1, 2, 5, 10):
        if multiple * power >= rough:
            return max(1, multiple * power)
    return 10 * power


def _scale(values):
    """(step, top) of the value axis for these values."""
    largest = max((value for value in values if value is not None), default=0)
    step = _step(largest)
    return step, max(step, step * math.ceil(largest / step))


def _series(series):
    return [
        {
            **item,
            "css": f"chart__series--{index % SERIES_CLASSES + 1}",
            "hidden": sum(1 for cell in item["cells"] if cell.number is None),
            # Named in the legend all the same, with the reason it draws nothing.
            "all_hidden": all(cell.number is None for cell in item["cells"]),
        }
        for index, item in enumerate(series)
    ]


def _spread(ends, low, high):
    """Move the end labels' y apart by at least END_LABEL_GAP, within [low, high], in order."""
    ends.sort(key=lambda end: end["y"])
    for before, after in zip(ends, ends[1:], strict=False):
        after["y"] = max(after["y"], before["y"] + END_LABEL_GAP)
    overflow = ends[-1]["y"] - high if ends else 0
    if overflow > 0:
        for end in ends:
            end["y"] -= overflow
        for before, after in zip(reversed(ends[:-1]), reversed(ends[1:]), strict=False):
            before["y"] = min(before["y"], after["y"] - END_LABEL_GAP)
    for end in ends:
        end["y"] = round(max(low, end["y"]), 1)


def lines(labels, series):
    """A line per series over the x labels (years). Each series: {"label", "cells"}."""
    left, right, top, bottom, plot_height = 76, END_LABEL_WIDTH, 20, 48, 300
    plot_width = WIDTH - left - right
    count = len(labels)
    xs = (
        [left + plot_width / 2]
        if count == 1
        else [left + index * plot_width / (count - 1) for index in range(count)]
    )
    step, highest = _scale(cell.number for item in series for cell in item["cells"])

    def y(value):
        return round(top + plot_height - value / highest * plot_height, 1)

    drawn, ends = [], []
    for item in _series(series):
        path, points, pen_down = [], [], False
        for x, cell in zip(xs, item["cells"], strict=True):
            if cell.number is None:
                pen_down = False  # a hidden figure breaks the line
                continue
            path.append(f"{'L' if pen_down else 'M'}{round(x, 1)} {y(cell.number)}")
            points.append({"x": round(x, 1), "y": y(cell.number), "value": cell.number})
            pen_down = True
        if points:
            last = points[-1]
            ends.append(
                {
                    "x": round(last["x"] + 10, 1),
                    "y": last["y"] + 8,
                    "text": last["value"],
                    "css": item["css"],
                }
            )
        drawn.append({**item, "path": " ".join(path), "points": points})
    _spread(ends, top + 8, top + plot_height + 8)
    # At most about seven year labels, counted back from the last year, which is always named.
    every = math.ceil(count / 7)
    return {
        "kind": "lines",
        "width": WIDTH,
        "height": top + plot_height + bottom,
        "left": left,
        "right": WIDTH - right,
        "baseline": top + plot_height,
        "label_y": top + plot_height + 34,
        "x_labels": [
            {"x": round(x, 1), "text": label}
            for index, (x, label) in enumerate(zip(xs, labels, strict=True))
            if (count - 1 - index) % every == 0
        ],
        "y_ticks": [
            {"y": y(value), "text": value, "text_y": y(value) + 8}
            for value in range(0, highest + 1, step)
        ],
        "series": drawn,
        "ends": ends,
        "hidden": sum(item["hidden"] for item in drawn),
    }


def bars(labels, series):
    """Horizontal bars: per label a group with a bar per series, the whole label above it."""
    highest = _scale(cell.number for item in series for cell in item["cells"])[1]
    series = _series(series)
    groups = []
    for index, label in enumerate(labels):
        group = {"label": str(label), "bars": []}
        for item in series:
            cell = item["cells"][index]
            group["bars"].append(
                {
                    "css": item["css"],
                    "series": item["label"],
                    "width": 0
                    if cell.number is None
                    else round(cell.number / highest * BAR_UNITS, 1),
                    "value": cell.shown,
                    "hidden": cell.number is None,
                }
            )
        groups.append(group)
    return {
        "kind": "bars",
        "units": BAR_UNITS,
        "groups": groups,
        "series": series,
        # With more than one series, each value is followed by its series' name.
        "named": len(series) > 1,
        "hidden": sum(item["hidden"] for item in series),
    }


def chart(section, table):
    """The chart of a computed table, or None when there is nothing to draw."""
    rows = section.chart_rows(table)
    columns = section.chart_columns(table)
    if not rows or not columns:
        return None
    series = [
        {"label": column.label, "cells": [row.cells[column.key] for row in rows]}
        for column in columns
    ]
    if not any(cell.number for item in series for cell in item["cells"]):
        return None
    labels = [section.chart_label(row) for row in rows]
    draw = lines if section.chart == Chart.LINES else bars
    return draw(labels, series)


def province_map(table, column_key, *, key, title):
    """A choropleth of provinces (portal/maps.py) of one column of a year and province table,
    for the last year whose provinces hold a figure; None when none does. It colours exactly
    the cells the table shows and hatches exactly those it hides."""
    by_year = {}
    for row in table.rows:
        if not row.total:
            year, place = reports.parse_year_province(row.key)
            by_year.setdefault(year, {})[place] = row.cells[column_key]
    year = next(
        (y for y in sorted(by_year, reverse=True) if any(c.value for c in by_year[y].values())),
        None,
    )
    if year is None:
        return None
    cells = {table.province_codes[place]: cell for place, cell in by_year[year].items()}
    values = {code: cell.value for code, cell in cells.items() if not cell.hidden}
    hidden = {code for code, cell in cells.items() if cell.hidden}
    labels = {
        table.province_codes[place]: row.labels[1]
        for row in table.rows
        if not row.total and row.key.startswith(f"{year}:")
        for place in [reports.parse_year_province(row.key)[1]]
    }
    largest = max(values.values(), default=0)
    chart = maps.choropleth(
        values,
        scale=maps.Scale(_bounds(largest)),
        by="province",
        labels=labels,
        hidden=hidden,
        hidden_label=gettext("hidden to protect the firms (“<3” or “x” in the table)"),
        missing_label=gettext("outside this choice"),
        key=key,
    )
    return {"chart": chart, "title": title % {"year": year}}


def _bounds(largest):
    """Up to five classes of whole numbers up to `largest`: 0, 1, then even steps."""
    if largest <= 4:
        return list(range(0, max(largest, 1) + 1))
    step = math.ceil(largest / 4)
    return [0, 1, *(1 + step * k for k in range(1, 4) if 1 + step * k <= largest)]


def blind_spot_maps(table, filters):
    """The blind spots' maps: the municipalities no verified enterprise reaches (for the chosen
    service, or the number of services that reach none), with a table per province under it;
    then the verified social enterprises per municipality."""
    if not table.places:
        return []
    if filters.category:
        scale = maps.Scale(
            [0, 1],
            colours=[maps.BLUES[0], maps.BLUES[-1]],
            labels=[gettext("reached"), gettext("not reached")],
        )
        title = gettext(
            "Municipalities that no verified social enterprise offering %(service)s reaches"
        ) % {"service": filters.category.name}
    else:
        scale = maps.Scale(_bounds(len(table.rows)))
        title = gettext(
            "Number of service categories that no verified social enterprise offers in each "
            "municipality"
        )
    outside = gettext("outside this choice")
    blind = {
        "chart": maps.choropleth(
            table.places,
            scale=scale,
            labels=table.place_names,
            missing_label=outside,
            key="blind-spots-map",
            shared=True,
        ),
        "title": title,
        "provinces": _per_province(table, counted=not filters.category),
    }
    enterprises = table.layers.get("enterprises", {})
    located = {
        "chart": maps.choropleth(
            enterprises,
            scale=maps.Scale(_bounds(max(enterprises.values(), default=0))),
            labels=table.place_names,
            missing_label=outside,
            key="enterprises-map",
            shared=True,
        ),
        "title": gettext("Verified social enterprises per municipality"),
    }
    return [blind, located]


def _per_province(table, *, counted):
    """Per province: its municipalities in the choice, those not reached, and their names (with
    the number of services that reach none of them when `counted`)."""
    provinces = {}
    for code, name in sorted(table.place_names.items(), key=lambda item: item[1]):
        province = provinces.setdefault(
            table.place_provinces.get(code, ""), {"municipalities": 0, "missing": []}
        )
        province["municipalities"] += 1
        if table.places.get(code):
            province["missing"].append(
                {"name": name, "count": table.places[code] if counted else None}
            )
    return [
        {"name": name, "counted": counted, **figures} for name, figures in sorted(provinces.items())
    ]
