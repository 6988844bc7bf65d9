"""Matching one opportunity against all organisations: set-based (vacancies/matching.py) against
the naive reference (benchmarks/naive_matching.py), for a service request and for a vacancy.

What is timed is what matching computes before it writes anything: the candidates (one query)
and their scores. Both ways must find the same enterprises at the same distances with the same
scores, or the measurement fails. The opportunity is the first published one (by id) of the
service category most enterprises offer, or of the sector most of them work in, so that it has
many candidates.
"""

import math

from django.db import connection
from django.db.models import Count

from companies.models import OfferedService, Organisation, OrganisationKind
from vacancies import matching
from vacancies.models import ServiceRequest, Vacancy

from . import naive_matching
from .registry import BenchmarkError, measurement
from .report import Figure, median, p95, timed

SPEED_UP_TARGET = 50


def set_based(opportunity):
    """{enterprise id: (distance in km, score)}, as vacancies.matching.match computes them."""
    return {
        enterprise.pk: (
            enterprise.distance_km,
            matching.score_and_reasons(opportunity, enterprise)[0],
        )
        for enterprise in matching.candidates(opportunity)
    }


def assert_same(found, reference, label):
    """Both ways found the same enterprises, at the same distances, with the same scores."""
    if set(found) != set(reference):
        raise AssertionError(
            f"{label}: set-based matching found {len(found)} enterprises, the naive reference "
            f"{len(reference)}; only set-based: {sorted(set(found) - set(reference))[:10]}, "
            f"only naive: {sorted(set(reference) - set(found))[:10]}"
        )
    for pk, (km, score) in found.items():
        naive_km, naive_score = reference[pk]
        if not math.isclose(km, naive_km, abs_tol=1e-6) or abs(score - naive_score) > 0.002:
            raise AssertionError(
                f"{label}: enterprise {pk} at {km} km scoring {score} (set-based) against "
                f"{naive_km} km scoring {naive_score} (naive)"
            )


def opportunities():
    """(label, opportunity) for a service request and a vacancy with many candidates."""
    social = Organisation.objects.filter(kind=OrganisationKind.SOCIAL)
    chosen = []
    category = (
        OfferedService.objects.filter(organisation__in=social)
        .values("category")
        .annotate(offers=Count("pk"))
        .order_by("-offers", "category")
        .values_list("category", flat=True)
        .first()
    )
    requests = ServiceRequest.objects.published().select_related("organisation", "category")
    request = requests.filter(category=category).order_by("pk").first()
    chosen.append(("request", request or requests.order_by("pk").first()))
    sector = (
        Organisation.sectors.through.objects.filter(organisation__in=social)
        .values("sector")
        .annotate(enterprises=Count("pk"))
        .order_by("-enterprises", "sector")
        .values_list("sector", flat=True)
        .first()
    )
    vacancies = Vacancy.objects.published().select_related("organisation", "sector")
    vacancy = vacancies.filter(sector=sector).order_by("pk").first()
    chosen.append(("vacancy", vacancy or vacancies.order_by("pk").first()))
    return [(label, opportunity) for label, opportunity in chosen if opportunity is not None]


class Statements:
    """The statements run while it is installed with connection.execute_wrapper.

    Unlike CaptureQueriesContext it has no cap (Django's query log keeps the last 9,000, fewer
    than the naive reference runs) and keeps the parameters apart, ready to run again.
    """

    def __init__(self):
        self.executed = []

    def __call__(self, execute, sql, params, many, context):
        self.executed.append((sql, params))
        return execute(sql, params, many, context)

    def __len__(self):
        return len(self.executed)


def run_counting(function, *args):
    """(what `function` returns, the Statements it ran)."""
    statements = Statements()
    with connection.execute_wrapper(statements):
        result = function(*args)
    return result, statements


def plan(sql, params):
    """The database's plan for a statement, executed (PostgreSQL: EXPLAIN ANALYZE)."""
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} {sql}", params)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


@measurement("matching", title="Matching one opportunity: set-based against naive per organisation")
def measure(context):
    chosen = opportunities()
    if not chosen:
        raise BenchmarkError("There is no published opportunity to match: seed data first.")
    organisations = Organisation.objects.count()
    figures = []
    for label, opportunity in chosen:
        name = f"matching.{label}"
        found, set_based_statements = run_counting(set_based, opportunity)
        reference, naive_statements = run_counting(naive_matching.matches, opportunity)
        assert_same(found, reference, name)
        if len(set_based_statements) != 1:
            raise AssertionError(
                f"{name}: set-based matching ran {len(set_based_statements)} queries"
            )
        context.notes[f"{name}.plan"] = plan(*set_based_statements.executed[0])
        fast = timed(lambda opportunity=opportunity: set_based(opportunity), context.repeat)
        slow = timed(
            lambda opportunity=opportunity: naive_matching.matches(opportunity), context.repeat
        )
        fast_ms, slow_ms = median(fast) * 1000, median(slow) * 1000
        context.log(
            f"  {label} {opportunity.code}: {len(found)} matches among {organisations:,} "
            f"organisations; set-based {fast_ms:.1f} ms, naive {slow_ms:.1f} ms"
        )
        figures += [
            Figure(
                f"{name}.matches",
                len(found),
                "enterprises",
                description=f"found by both ways among {organisations} organisations",
            ),
            Figure(f"{name}.set_based.median", round(fast_ms, 3), "ms"),
            Figure(f"{name}.set_based.p95", round(p95(fast) * 1000, 3), "ms"),
            Figure(f"{name}.set_based.queries", len(set_based_statements), "queries"),
            Figure(f"{name}.naive.median", round(slow_ms, 3), "ms"),
            Figure(f"{name}.naive.queries", len(naive_statements), "queries"),
            Figure(
                f"{name}.speed_up",
                round(slow_ms / fast_ms, 1),
                "x",
                target=SPEED_UP_TARGET,
                comparison=">=",
                description="naive median / set-based median",
            ),
        ]
    return figures
