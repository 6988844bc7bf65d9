"""Distances in Flanders: where a postcode lies and which rows lie within so many km of it.

The directory searches organisations near a postcode; matching (vacancies) will ask which
enterprises serve a place. Both need the same two steps: narrow to a bounding box on the indexed
latitude and longitude columns, then compute the great-circle distance (haversine) for the rows
left. The distance is an ORM expression built from Django's math functions, which run on
PostgreSQL and on SQLite alike (Django registers them on SQLite), so no caller branches on the
database and no GIS extension is needed.
"""

import math
import re
from typing import NamedTuple

from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

from . import reference
from .models import Postcode

# The mean radius of the earth (IUGG); at the scale of Flanders the haversine formula on a
# sphere is off by well under one percent, which is finer than a postcode's centre.
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180

_POSTCODE = re.compile(r"\d{4}")


class Point(NamedTuple):
    """A place as latitude and longitude in degrees.

    A Postcode (and an Organisation) has the same two attributes and serves as a point too.
    """

    latitude: float
    longitude: float


def point_for_postcode(code):
    """The Postcode for a string such as "3700" or " 3700 ", or None when there is none."""
    code = (code or "").strip()
    if not _POSTCODE.fullmatch(code):
        return None
    return reference.find(Postcode, "code", code)


def distance_km(point, *, lat_field="latitude", lon_field="longitude"):
    """An expression for the distance in km from `point` to each row (haversine formula)."""
    lat = Radians(F(lat_field))
    lon = Radians(F(lon_field))
    point_lat = math.radians(point.latitude)
    point_lon = math.radians(point.longitude)
    half_chord = Power(Sin((lat - Value(point_lat)) / 2), 2) + Value(math.cos(point_lat)) * Cos(
        lat
    ) * Power(Sin((lon - Value(point_lon)) / 2), 2)
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(half_chord, output_field=FloatField()))


def bounding_box(point, km):
    """(south, north, west, east) in degrees: a box that holds every place within `km`."""
    lat_delta = km / KM_PER_DEGREE_LATITUDE
    # A degree of longitude shrinks towards the poles: measure it at the box's edge nearest the
    # pole, where it is shortest, so that the box is wide enough everywhere.
    edge = min(abs(point.latitude) + lat_delta, 89.0)
    lon_delta = km / (KM_PER_DEGREE_LATITUDE * math.cos(math.radians(edge)))
    return (
        point.latitude - lat_delta,
        point.latitude + lat_delta,
        point.longitude - lon_delta,
        point.longitude + lon_delta,
    )


def annotate_distance(queryset, point, *, lat_field="latitude", lon_field="longitude"):
    """Add `distance_km` to every row, without narrowing."""
    return queryset.annotate(
        distance_km=distance_km(point, lat_field=lat_field, lon_field=lon_field)
    )


def within(queryset, point, km, *, lat_field="latitude", lon_field="longitude"):
    """The rows within `km` of `point`, annotated with `distance_km`.

    The bounding box comes first so that the database can use the index on the coordinates and
    computes distances only for the rows inside it.
    """
    south, north, west, east = bounding_box(point, km)
    queryset = queryset.filter(
        **{
            f"{lat_field}__range": (south, north),
            f"{lon_field}__range": (west, east),
        }
    )
    return annotate_distance(queryset, point, lat_field=lat_field, lon_field=lon_field).filter(
        distance_km__lte=km
    )


def haversine_km(first, second):
    """The distance in km between two points, computed in Python as the database does."""
    lat1, lat2 = math.radians(first.latitude), math.radians(second.latitude)
    half_chord = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1)
        * math.cos(lat2)
        * math.sin(math.radians(second.longitude - first.longitude) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(half_chord))
