"""The reports' charts, drawn on the server as SVG: no script, no library, no CDN.

This module measures (scales, ticks, coordinates); templates/companies/reports/_chart.html
draws. Geometry goes in SVG attributes and colours and line patterns in CSS classes
(static/css/brugwerk.css), since the Content-Security-Policy forbids inline styles. A chart is
an image with a title (role="img"); its figures are in the table beside it, which is its text
alternative. A hidden figure ("<3", "x") is not drawn: a line breaks there, a bar is left out
and its label says what the table says.

The drawing is 400 units wide and scales to its box, so its text stays legible on a phone of
360 px and is capped in width on a large screen.
"""

import math

from .reports import Chart

WIDTH = 400
SERIES_CLASSES = 4  # chart__series--1 .. --4 in the stylesheet
MAX_LABEL = 40  # characters of a bar's label before it is cut (it fits a phone)


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
        {**item, "css": f"chart__series--{index % SERIES_CLASSES + 1}"}
        for index, item in enumerate(series)
    ]


def _cut(text):
    text = str(text)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def lines(labels, series):
    """A line per series over the x labels (years). Each series: {"label", "cells"}."""
    left, right, top, bottom, plot_height = 52, 16, 12, 30, 190
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

    drawn = []
    for item in _series(series):
        path, points, pen_down = [], [], False
        for x, cell in zip(xs, item["cells"], strict=True):
            if cell.number is None:
                pen_down = False  # a hidden figure breaks the line
                continue
            path.append(f"{'L' if pen_down else 'M'}{round(x, 1)} {y(cell.number)}")
            points.append({"x": round(x, 1), "y": y(cell.number)})
            pen_down = True
        drawn.append({**item, "path": " ".join(path), "points": points})
    every = math.ceil(count / 7)
    return {
        "kind": "lines",
        "width": WIDTH,
        "height": top + plot_height + bottom,
        "left": left,
        "right": WIDTH - right,
        "baseline": top + plot_height,
        "label_y": top + plot_height + 20,
        "x_labels": [
            {"x": round(x, 1), "text": label}
            for index, (x, label) in enumerate(zip(xs, labels, strict=True))
            if index % every == 0
        ],
        "y_ticks": [
            {"y": y(value), "text": value, "text_y": y(value) + 4}
            for value in range(0, highest + 1, step)
        ],
        "series": drawn,
        "legend": len(series) > 1,
    }


def bars(labels, series):
    """Horizontal bars: per label a group with a bar per series, the label above the group."""
    label_height, bar_height, bar_gap, group_gap = 18, 14, 3, 12
    room_for_value = 44
    plot_width = WIDTH - room_for_value
    highest = _scale(cell.number for item in series for cell in item["cells"])[1]
    series = _series(series)
    groups, y = [], 0
    for index, label in enumerate(labels):
        group = {"label": _cut(label), "label_y": y + 13, "bars": []}
        y += label_height
        for item in series:
            cell = item["cells"][index]
            width = 0 if cell.number is None else round(cell.number / highest * plot_width, 1)
            group["bars"].append(
                {
                    "css": item["css"],
                    "y": y,
                    "width": width,
                    "value": cell.shown,
                    "value_x": width + 4,
                    "value_y": y + bar_height - 3,
                }
            )
            y += bar_height + bar_gap
        groups.append(group)
        y += group_gap
    return {
        "kind": "bars",
        "width": WIDTH,
        "height": max(y, 1),
        "bar_height": bar_height,
        "groups": groups,
        "series": series,
        "legend": len(series) > 1,
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
