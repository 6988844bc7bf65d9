"""The buying helper's analysis of a purchasing plan (procurement/advice.py, issue 23).

A plan of 200 lines is analysed three times: at 200 different places of delivery (every line
its own postcode, the worst case: each reach is worked out on its own), at 3 sites (a school's
campuses: lines that share a place and a service are worked out once), and with three places of
delivery per line (a school group: each line names 3 of the 200 places, so that more lines have
no single enterprise that reaches them all and the joint answers of 2 or 3 are searched,
bounded by advice.JOINT_CANDIDATES). The lines take the ten
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


def plan(places, chosen, *, per_line=1):
    """LINES entries over `places` (postcodes) and the `chosen` categories, in turn; each line
    names `per_line` consecutive places of delivery."""
    entries = []
    for number in range(1, LINES + 1):
        delivery = [places[(number + step) % len(places)] for step in range(per_line)]
        entries.append(
            Entry(
                position=number,
                subject=f"Aankoop {number}",
                category=chosen[number % len(chosen)],
                postcode=delivery[0],
                places=delivery,
            )
        )
    return entries


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
    two_hundred = rng.sample(postcodes, LINES)
    cases = {
        "places_200": (two_hundred, 1),
        "places_3": (rng.sample(postcodes, 3), 1),
        "places_200_3_per_line": (two_hundred, 3),
    }
    figures = []
    for label, (places, per_line) in cases.items():
        entries = plan(places, chosen, per_line=per_line)
        advice.analyse(entries)  # the reference rows (municipalities) come into memory once
        found, queries = queries_of(entries)
        if queries != QUERIES:
            raise AssertionError(f"procurement.{label}: the analysis ran {queries} queries")
        seconds = timed(lambda entries=entries: advice.analyse(entries), context.repeat)
        counted = sum(line.total for line in found)
        joint = sum(1 for line in found if line.route == advice.JOINT)
        routes = sorted({str(line.route) for line in found})
        context.log(
            f"  {label}: {LINES} lines, {counted:,} enterprise-lines counted, {joint} joint "
            f"answers, routes {routes}; median {median(seconds) * 1000:.0f} ms"
        )
        name = f"procurement.plan.{label}"
        timed_target = label in ("places_200", "places_200_3_per_line")
        figures += [
            Figure(
                f"{name}.median",
                round(median(seconds) * 1000, 1),
                "ms",
                target=TARGET_MS if timed_target else None,
                comparison="<=" if timed_target else None,
                description=f"advice.analyse of {LINES} lines",
            ),
            Figure(f"{name}.p95", round(p95(seconds) * 1000, 1), "ms"),
            Figure(f"{name}.queries", queries, "queries"),
            Figure(
                f"{name}.counted",
                counted,
                "enterprise-lines",
                description="eligible enterprises carrying each line, summed over the lines",
            ),
            Figure(
                f"{name}.joint",
                joint,
                "lines",
                description="lines advised a joint answer of 2 or 3 enterprises",
            ),
        ]
    return figures
