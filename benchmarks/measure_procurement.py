"""The buying helper's analysis of a purchasing plan (procurement/advice.py, issue 23).

A plan of 200 lines is analysed twice: at 200 different places of delivery (every line its own
postcode, the worst case: each reach is worked out on its own) and at 3 sites (a school's
campuses: lines that share a place and a service are worked out once). The lines take the ten
service categories most offered by social enterprises, so that each line has many candidates.
What is timed is `advice.analyse`: the counting per route, the verified ones apart, and the
recommendation with its reason, for every line; the queries are counted and must not grow with
the plan (the tests pin three).
"""

import random

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from companies.models import OfferedService, Organisation, OrganisationKind
from portal.models import Postcode, ServiceCategory
from procurement import advice
from procurement.plans import Entry

from .registry import BenchmarkError, measurement
from .report import Figure, median, p95, timed

LINES = 200
# The analysis of a plan of 200 lines at 200 places, at the large size: a buyer waits for it
# after an upload, so it must stay a matter of seconds.
TARGET_MS = 3000
QUERIES = 3


def categories():
    """The ten service categories social enterprises offer most."""
    social = Organisation.objects.filter(kind=OrganisationKind.SOCIAL)
    rows = (
        OfferedService.objects.filter(organisation__in=social)
        .values("category")
        .annotate(offers=Count("pk"))
        .order_by("-offers", "category")[:10]
    )
    found = ServiceCategory.objects.in_bulk([row["category"] for row in rows])
    return [found[row["category"]] for row in rows]


def plan(places, chosen):
    """LINES entries over `places` (postcodes) and the `chosen` categories, in turn."""
    return [
        Entry(
            position=number,
            subject=f"Aankoop {number}",
            category=chosen[number % len(chosen)],
            postcode=places[number % len(places)],
        )
        for number in range(1, LINES + 1)
    ]


def queries_of(entries):
    """(the analysis of `entries`, the number of queries it ran)."""
    with CaptureQueriesContext(connection) as captured:
        result = advice.analyse(entries)
    return result, len(captured)


@measurement("procurement", title="The buying helper: a plan of 200 lines analysed")
def measure(context):
    chosen = categories()
    if not chosen:
        raise BenchmarkError("No social enterprise offers a service: seed data first.")
    rng = random.Random(23)
    postcodes = list(Postcode.objects.filter(latitude__isnull=False).order_by("pk"))
    if len(postcodes) < LINES:
        raise BenchmarkError("Fewer postcodes than lines: load the reference data first.")
    cases = {
        "places_200": rng.sample(postcodes, LINES),
        "places_3": rng.sample(postcodes, 3),
    }
    figures = []
    for label, places in cases.items():
        entries = plan(places, chosen)
        advice.analyse(entries)  # the reference rows (municipalities) come into memory once
        found, queries = queries_of(entries)
        if queries != QUERIES:
            raise AssertionError(f"procurement.{label}: the analysis ran {queries} queries")
        seconds = timed(lambda entries=entries: advice.analyse(entries), context.repeat)
        counted = sum(line.total for line in found)
        routes = sorted({str(line.route) for line in found})
        context.log(
            f"  {label}: {LINES} lines, {counted:,} enterprise-lines counted, routes {routes}; "
            f"median {median(seconds) * 1000:.0f} ms"
        )
        name = f"procurement.plan.{label}"
        figures += [
            Figure(
                f"{name}.median",
                round(median(seconds) * 1000, 1),
                "ms",
                target=TARGET_MS if label == "places_200" else None,
                comparison="<=" if label == "places_200" else None,
                description=f"advice.analyse of {LINES} lines",
            ),
            Figure(f"{name}.p95", round(p95(seconds) * 1000, 1), "ms"),
            Figure(f"{name}.queries", queries, "queries"),
            Figure(
                f"{name}.counted",
                counted,
                "enterprise-lines",
                description="eligible enterprises reaching each line, summed over the lines",
            ),
        ]
    return figures
