"""The API's organisations list at volume (issue 24): the list as a client reads it, held to the
reference page the page measurements use (benchmarks/views.py), target OVER_REFERENCE_TARGET.

Three requests of GET /api/v1/organisations/: the whole directory's first page
(`api.organisations`); a client's search (`.filtered`: verified social enterprises offering
green maintenance within 30 km of 9000 Gent, as docs/examples/nearby_social_enterprises.py
asks); and the whole list DEEP_PAGES pages on (`.deep`: the cursor of that page, reached by
following "next" untimed), held to the first page (target DEEP_PAGE_TARGET: a keyset cursor
costs the same at any depth). Each is requested as the pages are (benchmarks/measure_pages.py:
the test Client in this process, every middleware, DEBUG off, warm-up, then `--requests` timed
requests round-robin with the reference page). The rate limit is lifted for the run (a client
that asks this often gets 429); its count per request is still made. Figures: median, p95,
statements per request, the median over the reference's; at two sizes the median ratio (raw,
and with each median over its run's reference) and the statements, which must not grow.
"""

import json
from urllib.parse import parse_qsl, urlsplit

from django.test import Client
from django.test.utils import override_settings

from companies.models import Organisation

from .measure_pages import (
    DEEP_PAGE_TARGET,
    PAGE_REQUESTS,
    REFERENCE,
    SCALING_TARGET,
    Page,
    measure_pages,
    slowest_plan,
)
from .registry import BenchmarkError, measurement
from .report import Figure, median, p95

ORGANISATIONS = "/api/v1/organisations/"
# The target: the organisations list and a filtered list within 10 times the reference.
OVER_REFERENCE_TARGET = 10
DEEP_PAGES = 50
SEARCH = {
    "kind": "social",
    "verified": "1",
    "service": "groenonderhoud",
    "postcode": "9000",
    "km": "30",
}
FIRST = "api.organisations"
# Far above what the measurement asks: the rate limit's count is made, never refused.
UNTHROTTLED = "1000000/minute"


def deep_page(client, *, pages=DEEP_PAGES):
    """The list `pages` pages on (or its last page), as a Page: its "next" links followed."""
    path, params, found = ORGANISATIONS, {}, 0
    for _ in range(pages):
        response = client.get(path, params)
        if response.status_code != 200:
            raise BenchmarkError(f"{ORGANISATIONS} answered {response.status_code}.")
        following = json.loads(response.content)["next"]
        if not following:
            break
        parts = urlsplit(following)
        path, params, found = parts.path, dict(parse_qsl(parts.query)), found + 1
    deep = Page(f"{FIRST}.deep", path, params, kind="search", first_page=FIRST)
    return deep, found


def pages(client):
    """The reference and the API's requests, the deep one found by following "next"."""
    deep, depth = deep_page(client)
    return [
        REFERENCE,
        Page(FIRST, ORGANISATIONS, kind="search"),
        Page(f"{FIRST}.filtered", ORGANISATIONS, SEARCH, kind="search"),
        deep,
    ], depth


def comparisons(smaller, larger):
    """The API's requests at two sizes: median ratio (raw, and each median over its run's
    reference) and statements, which must be equal."""
    figures = []
    reference = "api.reference.median"
    for name in (FIRST, f"{FIRST}.filtered", f"{FIRST}.deep"):
        if f"{name}.median" not in smaller or f"{name}.median" not in larger:
            continue
        small, large = smaller[f"{name}.median"].value, larger[f"{name}.median"].value
        figures.append(
            Figure(
                f"{name}.median_ratio",
                round(large / small, 2),
                "x",
                target=SCALING_TARGET,
                comparison="<=",
                description="median at the larger size / median at the smaller size",
            )
        )
        if reference in smaller and reference in larger:
            adjusted = (large / larger[reference].value) / (small / smaller[reference].value)
            figures.append(
                Figure(
                    f"{name}.median_ratio_load_adjusted",
                    round(adjusted, 2),
                    "x",
                    target=SCALING_TARGET,
                    comparison="<=",
                    description="median_ratio with each median divided by its run's reference",
                )
            )
        figures.append(
            Figure(
                f"{name}.queries",
                larger[f"{name}.queries"].value,
                "queries",
                target=smaller[f"{name}.queries"].value,
                comparison="==",
                description="queries at the larger size, to equal those at the smaller size",
            )
        )
    return figures


@measurement(
    "api",
    title="The API: the organisations list, a filtered list and a deep page",
    compare=comparisons,
)
def measure(context):
    requests = context.options.get("requests") or PAGE_REQUESTS
    if not Organisation.objects.exists():
        raise BenchmarkError("There are no organisations: seed data first.")
    with override_settings(API_RATE_ANONYMOUS=UNTHROTTLED):
        chosen, depth = pages(Client(SERVER_NAME="localhost"))
        measured = measure_pages(chosen, requests=requests)
    figures, medians = [], {}
    for page, seconds, statements in measured:
        name = "api.reference" if page is REFERENCE else page.name
        median_ms, p95_ms = median(seconds) * 1000, p95(seconds) * 1000
        medians[page.name] = median_ms
        context.log(
            f"  {name}: median {median_ms:.1f} ms, p95 {p95_ms:.1f} ms, "
            f"{len(statements.executed)} queries"
        )
        description = f"{requests} requests"
        if page.name == f"{FIRST}.deep":
            description += f", {depth} pages on"
        figures += [
            Figure(f"{name}.median", round(median_ms, 2), "ms", description=description),
            Figure(f"{name}.p95", round(p95_ms, 2), "ms"),
            Figure(f"{name}.queries", len(statements.executed), "queries"),
        ]
        if page is REFERENCE:
            continue
        figures.append(
            Figure(
                f"{name}.over_reference",
                round(median_ms / medians[REFERENCE.name], 1),
                "x",
                target=OVER_REFERENCE_TARGET,
                comparison="<=",
                description="median / the reference page's median",
            )
        )
        if page.first_page in medians:
            figures.append(
                Figure(
                    f"{name}.over_first_page",
                    round(median_ms / medians[page.first_page], 2),
                    "x",
                    target=DEEP_PAGE_TARGET,
                    comparison="<=",
                    description=f"median / the median of {page.first_page} (page 1)",
                )
            )
        explained = slowest_plan(statements)
        if explained:
            context.notes[f"{name}.slowest"] = explained
    return figures
