"""Server-rendered SVG maps of Flanders: result markers on the directory, choropleths in reports.

The outlines come from data/municipality_outlines.json, built by data/build.py (data/outlines.py)
from the Statbel municipality boundaries: the 285 Flemish and 19 Brussels municipalities,
projected (equirectangular, longitude scaled by cos 51.1°, north up) and simplified to 300 m,
in whole units of 100 m. The map needs no tiles, no script and no style attribute: shapes are
SVG paths and circles whose colours are presentation attributes (fill=), which the CSP allows,
or classes of static/css. The outlines are read once per process and the base layer (every
municipality as a path) is rendered once per process too; markers are drawn per request.

Two uses, one drawing:
- `results_map(organisations, url=, point=, km=)`: the current page's results as linked
  markers, with the searched place and its radius (templates/includes/results_map.html).
- `choropleth(values, scale=, by="municipality" | "province", hidden=)`: shapes filled by
  value class, with a legend (templates/includes/choropleth.html). Every shape and legend entry
  carries the class of its value, so that the map can be checked against its table; a figure
  the table hides is hatched (an SVG pattern, "hidden" in the legend), never coloured.
"""

import functools
import json
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

OUTLINES_PATH = settings.BASE_DIR / "data" / "municipality_outlines.json"
# Statbel's licence asks for the producer and the date of the data (data/SOURCES.md).
ATTRIBUTION = gettext_lazy(
    "Municipal boundaries: Statbel (statistical sectors, 1 January 2025), simplified by "
    "Provincies in Cijfers and Brugwerk."
)
# A sequential scale from light to dark (ColorBrewer "Blues", 5 classes), readable in print.
BLUES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#f0f0f0"


@dataclass(frozen=True)
class Outlines:
    width: int
    height: int
    projection: dict
    municipalities: list


@functools.cache
def outlines():
    """The built outlines, read once per process."""
    with open(OUTLINES_PATH, encoding="utf-8") as handle:
        data = json.load(handle)
    return Outlines(data["width"], data["height"], data["projection"], data["municipalities"])


def project(latitude, longitude):
    """(x, y) on the map in units of 100 m from the north-west corner, as the outlines are."""
    p = outlines().projection
    scale = p["km_per_degree"] / p["unit_km"]
    x = (longitude - p["west"]) * math.cos(math.radians(p["middle_latitude"])) * scale
    y = (p["north"] - latitude) * scale
    return round(x, 1), round(y, 1)


def km_to_units(km):
    return km / outlines().projection["unit_km"]


@functools.cache
def base_layer():
    """Every municipality's outline as one path, rendered once per process."""
    paths = format_html_join(
        "", '<path d="{}"/>', ((m["path"],) for m in outlines().municipalities)
    )
    return format_html('<g class="map__land" aria-hidden="true">{}</g>', paths)


def _inside(x, y):
    frame = outlines()
    return 0 <= x <= frame.width and 0 <= y <= frame.height


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    url: str
    label: str


@dataclass
class ResultsMap:
    width: int
    height: int
    base: str
    markers: list = field(default_factory=list)
    # Results of the page whose place lies outside the frame (in Wallonia, mostly).
    outside: int = 0
    place: Marker | None = None
    km: int | None = None
    radius: float | None = None
    attribution: str = ATTRIBUTION
    marker_radius: int = 14


_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def _spiral(k, radius):
    """The offset of the k-th marker at one point (0: the point itself), about a marker's
    diameter from its neighbours and never over the centre of another."""
    distance = 1.3 * radius * math.sqrt(k)
    return distance * math.cos(k * _GOLDEN_ANGLE), distance * math.sin(k * _GOLDEN_ANGLE)


def results_map(organisations, *, url, point=None, km=None):
    """A map of `organisations` (the rows of the current page, with name, latitude and longitude),
    each linked to `url(organisation)`, with the searched `point` (a Postcode) and a circle of
    `km` around it."""
    frame = outlines()
    drawn = ResultsMap(width=frame.width, height=frame.height, base=base_layer())
    at_point = {}
    for organisation in organisations:
        x, y = project(organisation.latitude, organisation.longitude)
        if not _inside(x, y):
            drawn.outside += 1
            continue
        # Organisations share their postcode's point: the second and later ones at a point
        # are laid round it in a sunflower spiral, so that every marker can be seen and clicked.
        k = at_point[x, y] = at_point.get((x, y), -1) + 1
        dx, dy = _spiral(k, drawn.marker_radius)
        drawn.markers.append(
            Marker(round(x + dx, 1), round(y + dy, 1), url(organisation), organisation.name),
        )
    if point is not None:
        x, y = project(point.latitude, point.longitude)
        # A postcode says "3700 Tongeren"; a place asked by its name, that name (portal/places.py).
        drawn.place = Marker(x, y, "", str(point))
        if km:
            drawn.km = km
            drawn.radius = round(km_to_units(km), 1)
    return drawn


class Scale:
    """Classes of values, each with a colour: `Scale([0, 1, 5, 10])` makes the classes 0, 1-4,
    5-9 and 10 or more (whole numbers), coloured light to dark. `labels` name the classes in the
    legend instead (e.g. "reached", "not reached")."""

    def __init__(self, bounds, colours=None, labels=None):
        self.bounds = list(bounds)
        self.labels = list(labels) if labels is not None else None
        if self.labels is not None and len(self.labels) != len(self.bounds):
            raise ValueError("a scale needs one label per class")
        if colours is None and 1 < len(self.bounds) <= len(BLUES):
            # Spread over the whole range, so that two classes are light and dark.
            last = len(self.bounds) - 1
            colours = [BLUES[round(i * (len(BLUES) - 1) / last)] for i in range(len(self.bounds))]
        if colours is None or len(colours) != len(self.bounds):
            raise ValueError("a scale needs one colour per class")
        self.colours = list(colours)

    def index(self, value):
        """The class of a value: 0 for the lowest."""
        chosen = 0
        for i, bound in enumerate(self.bounds):
            if value >= bound:
                chosen = i
        return chosen

    def colour(self, value):
        if value is None:
            return NO_DATA
        return self.colours[self.index(value)]

    def legend(self):
        """(colour, label) for each class, lowest first."""
        if self.labels is not None:
            return list(zip(self.colours, self.labels, strict=True))
        entries = []
        for i, (bound, colour) in enumerate(zip(self.bounds, self.colours, strict=True)):
            if i + 1 == len(self.bounds):
                label = _("%(value)s or more") % {"value": number_format(bound)}
            elif self.bounds[i + 1] - 1 == bound:
                label = number_format(bound)
            else:
                label = _("%(low)s to %(high)s") % {
                    "low": number_format(bound),
                    "high": number_format(self.bounds[i + 1] - 1),
                }
            entries.append((colour, label))
        return entries


@dataclass(frozen=True)
class Shape:
    """One municipality or province: its NIS code, outline, fill and class. `css` names its
    class of value ("choropleth__class--2"), "choropleth__hidden" or "choropleth__missing", as
    the legend does: a reader (and a test) can tell the class of every shape."""

    code: str
    path: str
    colour: str
    label: str
    css: str = ""


@dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str
    css: str

    def __iter__(self):  # (colour, label), as the legend was before it had classes
        return iter((self.colour, self.label))


HIDDEN_CSS = "choropleth__hidden"
MISSING_CSS = "choropleth__missing"


@dataclass
class Choropleth:
    width: int
    height: int
    shapes: list
    legend: list
    by: str = "municipality"
    attribution: str = ATTRIBUTION
    # Names the figure, its hatching pattern (a page may hold two maps) and its title.
    key: str = "map"
    # Drawn from the page's outline sprite (`outline_sprite`) instead of with outlines of its
    # own: two maps of municipalities on one page then carry the outlines once.
    shared: bool = False

    def shapes_html(self):
        """The shapes as SVG, written here rather than in a template loop over 304 shapes
        (a fifth of the time). The outlines are ours (data/build.py), the rest is escaped."""
        if self.shared:
            return format_html_join(
                "",
                '<use href="#outline-{}" fill="{}" class="{}" data-code="{}">{}</use>',
                (
                    (
                        shape.code,
                        shape.colour,
                        shape.css,
                        shape.code,
                        format_html("<title>{}</title>", shape.label) if shape.label else "",
                    )
                    for shape in self.shapes
                ),
            )
        return format_html_join(
            "",
            '<path d="{}" fill="{}" class="{}" data-code="{}">{}</path>',
            (
                (
                    mark_safe(shape.path),  # noqa: S308 (digits, spaces and M, l, z: built by us)
                    shape.colour,
                    shape.css,
                    shape.code,
                    format_html("<title>{}</title>", shape.label) if shape.label else "",
                )
                for shape in self.shapes
            ),
        )


_RING = re.compile(r"M(-?\d+) (-?\d+)l([-\d ]*)z")


def _rings(path):
    """The rings of an outline's path data as lists of absolute (x, y) vertices."""
    rings = []
    for x, y, steps in _RING.findall(path):
        x, y = int(x), int(y)
        ring = [(x, y)]
        numbers = [int(n) for n in re.findall(r"-?\d+", steps)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        if ring[-1] != ring[0]:
            ring.append(ring[0])  # "z" closes the ring
        rings.append(ring)
    return rings


def dissolve(paths):
    """One path for the union of these outlines, without the borders they share.

    The outlines are noded (data/outlines.py): two neighbours draw their common border with the
    very same vertices. So a border segment drawn twice lies inside the union and is dropped;
    the segments left are chained back into rings. Rings are drawn with fill-rule evenodd, so
    that a hole (Brussels inside Flemish Brabant) stays open whatever the rings' direction."""
    count = {}
    for path in paths:
        for ring in _rings(path):
            for a, b in zip(ring, ring[1:], strict=False):
                if a != b:
                    edge = (a, b) if a < b else (b, a)
                    count[edge] = count.get(edge, 0) + 1
    neighbours = {}
    for (a, b), times in count.items():
        if times % 2:
            neighbours.setdefault(a, []).append(b)
            neighbours.setdefault(b, []).append(a)
    parts = []
    while neighbours:
        start = next(iter(neighbours))
        ring, here = [start], start
        while True:
            following = neighbours[here].pop()
            neighbours[following].remove(here)
            for point in (here, following):
                if not neighbours[point]:
                    del neighbours[point]
            here = following
            if here == start or here not in neighbours:
                break
            ring.append(here)
        steps = " ".join(
            f"{b[0] - a[0]} {b[1] - a[1]}" for a, b in zip(ring, ring[1:], strict=False)
        )
        parts.append(f"M{ring[0][0]} {ring[0][1]}l{steps}z")
    return "".join(parts)


@functools.cache
def _shapes_by(by):
    """{code: path} of each municipality, or of each province: its municipalities' outlines
    dissolved into one outline (`dissolve`), drawn once, read once per process."""
    key = "nis" if by == "municipality" else "province_nis"
    grouped = {}
    for municipality in outlines().municipalities:
        grouped.setdefault(municipality[key], []).append(municipality["path"])
    if by == "municipality":
        return {code: paths[0] for code, paths in grouped.items()}
    return {code: dissolve(paths) for code, paths in grouped.items()}


def choropleth(
    values,
    *,
    scale,
    by="municipality",
    labels=None,
    missing=None,
    missing_label=None,
    hidden=(),
    hidden_label=None,
    key="map",
    shared=False,
):
    """Shapes filled by class of value.

    `values` maps a NIS code to a number: a municipality's (`by="municipality"`) or a province's
    (`by="province"`; Brussels, which lies in no province, is 21000). A shape without a value
    takes `missing` (None: drawn as "no data"). `labels` maps the same codes to a name, shown
    as the shape's tooltip with its value. `missing_label` names shapes without a value in the
    legend (default "no data"). The codes in `hidden` are figures a table hides: they are
    hatched, whatever their value, and the legend says so with `hidden_label`. A map of
    municipalities `shared` draws each from the page's `outline_sprite()`, which the page
    must hold once.
    """
    if by not in ("municipality", "province"):
        raise ValueError(f"unknown level {by!r}")
    if shared and by != "municipality":
        raise ValueError("only municipalities are in the outline sprite")
    labels = labels or {}
    hidden = set(hidden)
    grouped = _shapes_by(by)
    legend = [
        LegendEntry(colour, label, f"choropleth__class--{index}")
        for index, (colour, label) in enumerate(scale.legend())
    ]
    shapes = []
    for code, path in grouped.items():
        value = values.get(code, missing)
        name = labels.get(code, "")
        if code in hidden:
            shapes.append(Shape(code, path, f"url(#{key}-hidden)", name, HIDDEN_CSS))
            continue
        label = f"{name}: {number_format(value)}" if name and value is not None else name
        css = MISSING_CSS if value is None else f"choropleth__class--{scale.index(value)}"
        shapes.append(Shape(code, path, scale.colour(value), label, css))
    if any(shape.css == HIDDEN_CSS for shape in shapes):
        legend.append(LegendEntry(f"url(#{key}-hidden)", hidden_label or _("hidden"), HIDDEN_CSS))
    if any(shape.css == MISSING_CSS for shape in shapes):
        legend.append(LegendEntry(NO_DATA, missing_label or _("no data"), MISSING_CSS))
    frame = outlines()
    return Choropleth(frame.width, frame.height, shapes, legend, by=by, key=key, shared=shared)


@functools.cache
def outline_sprite():
    """Every municipality's outline once, as `<path id="outline-NIS">` in an SVG of no size,
    for the `shared` choropleths of a page to draw with <use>. Rendered once per process."""
    paths = format_html_join(
        "",
        '<path id="outline-{}" d="{}"/>',
        ((m["nis"], m["path"]) for m in outlines().municipalities),
    )
    return format_html(
        '<svg class="map__outlines" aria-hidden="true" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg"><defs>{}</defs></svg>',
        paths,
    )
