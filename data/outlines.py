"""Build data/municipality_outlines.json: the outlines of Flanders' and Brussels' municipalities,
projected and simplified for the portal's SVG maps (portal/maps.py).

Called by build.py; standard library only. The source (municipalities_boundaries.geojson, see
SOURCES.md) is noded: neighbours share identical vertices. Simplifying each ring on its own would
open slivers between neighbours, so every ring is cut at its nodes (the vertices where the set of
neighbours changes) and each border between two nodes is simplified once, in one direction, with
Douglas-Peucker: both neighbours then draw the very same line.

Projection: equirectangular with the longitude scaled by cos(51.1°), the middle of Flanders, so
that a km is as long across as up and a radius circle stays a circle; north is up. Coordinates are
whole units of UNIT_KM, written as SVG path data (absolute first point, then relative steps).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

OUTLINES_FILE = "municipality_outlines.json"
# The frame: a little wider than Flanders and Brussels (lon 2.54-5.91, lat 50.69-51.51).
WEST, EAST, SOUTH, NORTH = 2.50, 5.96, 50.65, 51.54
MIDDLE_LATITUDE = 51.1
KM_PER_DEGREE = 111.32
UNIT_KM = 0.1
# A municipality's border may move this many units (300 m): finer than a pixel of a map
# about 800 px wide, and it keeps the file a few hundred KB.
TOLERANCE = 3.0
REGIONS = ("flanders", "brussels")


def project(latitude, longitude):
    """(x, y) in whole units of UNIT_KM from the frame's north-west corner, x east, y south."""
    scale = KM_PER_DEGREE / UNIT_KM
    x = (longitude - WEST) * math.cos(math.radians(MIDDLE_LATITUDE)) * scale
    y = (NORTH - latitude) * scale
    return round(x), round(y)


def _rings(geometry):
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    for polygon in polygons:
        yield from polygon


def _distance_to_segment(point, start, end):
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if length == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(points, tolerance):
    """The points to keep of a polyline, its two ends always kept."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > farthest:
                farthest, index = d, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _nodes(rings):
    """The vertices where a ring must be cut: where the rings meeting at a vertex change."""
    seen = {}
    for ring in rings:
        n = len(ring)
        for i, vertex in enumerate(ring):
            seen.setdefault(vertex, []).append(frozenset((ring[i - 1], ring[(i + 1) % n])))
    return {
        vertex
        for vertex, neighbours in seen.items()
        if len(neighbours) > 2 or (len(neighbours) == 2 and neighbours[0] != neighbours[1])
    }


def _simplified_ring(ring, nodes, tolerance, arcs):
    cuts = [i for i, vertex in enumerate(ring) if vertex in nodes]
    if len(cuts) < 2:
        # An island or a ring touching one neighbour: cut at its first and farthest vertex.
        far = max(range(len(ring)), key=lambda i: math.dist(ring[0], ring[i]))
        cuts = sorted({0, far} | set(cuts))
    start = cuts[0]
    ring = ring[start:] + ring[:start]
    cuts = [i - start for i in cuts] + [len(ring)]
    ring = ring + ring[:1]
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = ring[a : b + 1]
        # Each border is simplified once, in a fixed direction, so neighbours share the result.
        forward = piece[0] < piece[-1] or (piece[0] == piece[-1] and piece[1] < piece[-2])
        key = tuple(piece) if forward else tuple(reversed(piece))
        if key not in arcs:
            arcs[key] = douglas_peucker(list(key), tolerance)
        simple = arcs[key] if forward else list(reversed(arcs[key]))
        out.extend(simple[:-1])
    return out


def _path(rings):
    parts = []
    for ring in rings:
        x, y = ring[0]
        steps = [f"M{x} {y}"]
        for nx, ny in ring[1:]:
            steps.append(f"{nx - x:+d}{ny - y:+d}".replace("+", " ").lstrip())
            x, y = nx, ny
        parts.append(steps[0] + "l" + " ".join(steps[1:]) + "z")
    return "".join(parts)


def build_outlines(geojson_path, out_dir, *, tolerance=TOLERANCE):
    """Write OUTLINES_FILE into out_dir; returns (municipalities, vertices) written."""
    with open(geojson_path, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    features = sorted(
        (f for f in features if f["properties"]["region"] in REGIONS),
        key=lambda f: f["properties"]["nis"],
    )
    projected = {}
    for feature in features:
        rings = []
        for ring in _rings(feature["geometry"]):
            points = [project(lat, lon) for lon, lat in ring[:-1]]
            points = [p for i, p in enumerate(points) if p != points[i - 1]]
            if len(points) >= 3:
                rings.append(points)
        projected[feature["properties"]["nis"]] = rings
    nodes = _nodes([ring for rings in projected.values() for ring in rings])
    arcs = {}
    municipalities = []
    vertices = 0
    for feature in features:
        nis = feature["properties"]["nis"]
        rings = [_simplified_ring(r, nodes, tolerance, arcs) for r in projected[nis]]
        rings = [r for r in rings if len(r) >= 3]
        vertices += sum(len(r) for r in rings)
        municipalities.append(
            {
                "nis": nis,
                "name_nl": feature["properties"]["name_nl"],
                "province_nis": feature["properties"]["province_nis"],
                "region": feature["properties"]["region"],
                "path": _path(rings),
            }
        )
    width, height = project(SOUTH, EAST)
    document = {
        "about": "Municipality outlines of Flanders and Brussels (1 January 2025), built by "
        "data/build.py from municipalities_boundaries.geojson; see data/SOURCES.md.",
        "projection": {
            "west": WEST,
            "north": NORTH,
            "middle_latitude": MIDDLE_LATITUDE,
            "km_per_degree": KM_PER_DEGREE,
            "unit_km": UNIT_KM,
        },
        "width": width,
        "height": height,
        "municipalities": municipalities,
    }
    out = Path(out_dir) / OUTLINES_FILE
    with open(out, "w", encoding="utf-8", newline="\n") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=0, separators=(",", ":"))
        handle.write("\n")
    return len(municipalities), vertices
