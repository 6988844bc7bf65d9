"""Pages as a visitor gets them: the directory and the opportunity searches, the reports, the
home page, and the reference page (benchmarks/views.py) that is the framework's floor.

Each page is requested through Django's test Client, in this process: the request goes through
every middleware, the view, the context processors and the templates, as under a web server,
without the network. A few requests warm up (templates compiled, caches filled), then
`PAGE_REQUESTS` (or `--requests`) are timed; the figures are the median and the 95th percentile
in ms, the SQL statements per request and, for the search pages, the median as a multiple of
the reference page's. The slowest statement of each page is run again under EXPLAIN ANALYZE
for the report's notes. The searches use the same parameters at every size, so that the
figures of two sizes compare: comparisons() turns them into ratios with their targets.

A report page serves its table from the cache until the data change (companies/reports.py), so
the timed requests above measure it as served. Its "cold" figures measure the first request
after a change: before each of `COLD_REQUESTS` (or `--cold-requests`) requests a write to a table
the reports read moves the data version (portal/datachanges.py), outside the timing, and the
table is computed again.
"""

from dataclasses import dataclass, field
from time import perf_counter

from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import override_settings

from companies import reports
from portal import datachanges
from portal.models import Province

from . import worker
from .measure_matching import plan
from .registry import BenchmarkError, measurement
from .report import Figure, median, p95

URLCONF = "benchmarks.urls"
PAGE_REQUESTS = 30
WARM_UP = 3
# Requests each preceded by a change, per report page: few, as each computes the whole table.
COLD_REQUESTS = 10
# The targets: a search page at most 15 times the reference page; a page at the large
# size at most 2 times its median at the small size, a report at most 3 times; the same queries.
OVER_REFERENCE_TARGET = 15
SCALING_TARGET = 2
REPORT_SCALING_TARGET = 3
# Issue 21: a report's first request after a change costs at most 20 times the reference page
# and grows at most 2 times from the smaller to the larger size.
COLD_REPORT_TARGET = 20
COLD_REPORT_SCALING_TARGET = 2
# Issue 20: a deep page of a list costs at most 1.5 times its first page.
DEEP_PAGE_TARGET = 1.5
# Beyond any last page: the list's last page is served.
LAST_PAGE = "999999"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    params: dict = field(default_factory=dict)
    # "search" pages are held to the reference page, "report" pages to their own scaling target.
    kind: str = "page"
    # Whether the page serves a cached table: then its first request after a change is
    # measured too (the "cold" figures).
    cached: bool = False
    # A deep page: the name of the list's first page, which it is held to (DEEP_PAGE_TARGET).
    first_page: str = ""

    @property
    def scaling_target(self):
        return REPORT_SCALING_TARGET if self.kind == "report" else SCALING_TARGET


REFERENCE = Page("reference", "/benchmark/reference/")


def pages():
    """Every page measured, the reference first. The search parameters are values the
    generated data hold at every size (benchmarks/generator.py): a common word, kinds,
    service categories, sectors and contract types of the reference data, and Gent."""
    return [
        REFERENCE,
        Page("home", "/"),
        Page(
            "directory",
            "/organisations/",
            # A text query, two facets and a distance.
            {
                "q": "groen",
                "kind": "social",
                "service": "groenonderhoud",
                "postcode": "9000",
                "km": "30",
            },
            kind="search",
        ),
        Page(
            "vacancies",
            "/vacancies/",
            {"q": "medewerker", "sector": "G", "contract_type": "permanent"},
            kind="search",
        ),
        Page(
            "requests",
            "/requests/",
            {"q": "onderhoud", "service": "groenonderhoud", "postcode": "9000", "km": "30"},
            kind="search",
        ),
        *browsing(),
        Page("reports", "/reports/", kind="report", cached=True),
        *(
            Page(f"reports.{section.slug}", f"/reports/{section.slug}/", kind="report", cached=True)
            for section in reports.sections()
        ),
    ]


def browsing():
    """The lists as browsed (issue 20): without parameters, with facets only, with a place only,
    and their last page; each served from the cache of its counts and order (portal/facets.py),
    its first request after a change measured too."""
    lists = {
        "directory": (
            "/organisations/",
            {
                "kind": {"kind": "social"},
                "province": {"province": "oost-vlaanderen"},
                "place": {"postcode": "9000", "km": "30"},
            },
        ),
        "vacancies": (
            "/vacancies/",
            {
                "facets": {"sector": "G", "contract_type": "permanent"},
                "place": {"postcode": "9000"},
            },
        ),
        "requests": (
            "/requests/",
            {"facets": {"service": "groenonderhoud"}, "place": {"postcode": "9000", "km": "30"}},
        ),
    }
    found = []
    for list_name, (path, variants) in lists.items():
        first = f"{list_name}.browse"
        found += [
            Page(first, path, kind="search", cached=True),
            Page(
                f"{first}.last_page",
                path,
                {"page": LAST_PAGE},
                kind="search",
                cached=True,
                first_page=first,
            ),
            *(
                Page(f"{first}.{variant}", path, params, kind="search", cached=True)
                for variant, params in variants.items()
            ),
        ]
    return found


class Statements:
    """Each statement run while it is installed with connection.execute_wrapper, timed."""

    def __init__(self):
        self.executed = []

    def __call__(self, execute, sql, params, many, context):
        started = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.executed.append((perf_counter() - started, sql, params))

    def slowest(self):
        return max(self.executed, key=lambda statement: statement[0], default=None)


def get(client, page):
    response = client.get(page.path, page.params)
    if response.status_code != 200:
        raise BenchmarkError(f"{page.path} answered {response.status_code}.")
    return response


def measure_pages(pages, *, requests=PAGE_REQUESTS):
    """[(page, seconds of each timed request, Statements of one request)], in order.

    The timed requests go round the pages, one each per round, so that other work on the
    machine weighs on every page alike and the ratios between pages stay fair.
    """
    client = Client(SERVER_NAME="localhost")
    measured = []
    with override_settings(ROOT_URLCONF=URLCONF):
        for page in pages:
            for _ in range(WARM_UP):
                get(client, page)
            statements = Statements()
            with connection.execute_wrapper(statements):
                get(client, page)
            measured.append((page, [], statements))
        for _ in range(requests):
            for page, seconds, _statements in measured:
                started = perf_counter()
                get(client, page)
                seconds.append(perf_counter() - started)
    return measured


def change_data():
    """A write the reports' cache must notice: a province's row written again as it is (the
    trigger on its table moves the data version). Raises when the version does not move."""
    before = datachanges.version()
    province = Province.objects.order_by("pk").values_list("pk", flat=True).first()
    Province.objects.filter(pk=province).update(name_nl=F("name_nl"))
    if datachanges.version() == before:
        raise BenchmarkError("A write to portal_province did not move the data version.")


@dataclass
class Cold:
    """A page's requests after a change: their seconds and the statements of one; and what the
    worker did after each (the tasks the request asked, run one after the other): its seconds,
    the statements of one run and the tasks."""

    page: Page
    seconds: list = field(default_factory=list)
    statements: Statements = field(default_factory=Statements)
    worker_seconds: list = field(default_factory=list)
    worker_statements: Statements = field(default_factory=Statements)
    tasks: int = 0


def measure_cold(pages, *, requests=COLD_REQUESTS):
    """[Cold] for pages that serve a cached table, each request preceded by a change of the
    data (not timed). Round-robin, as measure_pages().

    Tasks go to a queue of their own, as to a worker (benchmarks/worker.py): a report page
    after a change is served its last computation and asks the worker to compute the new one
    (companies/reports.py `kept`); what it asked is then run here, timed apart, before the
    next change, so that the figures also say how long a worker takes to make the page
    current again."""
    client = Client(SERVER_NAME="localhost")
    measured = [Cold(page) for page in pages]
    with override_settings(ROOT_URLCONF=URLCONF), worker.queued() as queue:
        for cold in measured:
            change_data()
            with connection.execute_wrapper(cold.statements):
                get(client, cold.page)
            tasks = worker.take(queue)
            with connection.execute_wrapper(cold.worker_statements):
                worker.run(tasks)
        for _ in range(requests):
            for cold in measured:
                change_data()
                started = perf_counter()
                get(client, cold.page)
                cold.seconds.append(perf_counter() - started)
                tasks = worker.take(queue)
                started = perf_counter()
                worker.run(tasks)
                if tasks:
                    cold.worker_seconds.append(perf_counter() - started)
                    cold.tasks = max(cold.tasks, len(tasks))
    return measured


def slowest_plan(statements):
    """EXPLAIN ANALYZE of the page's slowest statement, with the time it took in the request."""
    slowest = statements.slowest()
    if slowest is None or not slowest[1].lstrip().upper().startswith(("SELECT", "WITH")):
        return None
    seconds, sql, params = slowest
    return f"{seconds * 1000:.1f} ms in the request:\n{sql}\n\n{plan(sql, params)}"


def _ratio_figures(name, smaller, larger, *, target, what=""):
    """The median ratio of one page between two sizes, raw and load-adjusted."""
    small_ms = smaller[f"{name}.median"].value
    large_ms = larger[f"{name}.median"].value
    comparison = "<=" if target is not None else None
    figures = [
        Figure(
            f"{name}.median_ratio",
            round(large_ms / small_ms, 2),
            "x",
            target=target,
            comparison=comparison,
            description=f"{what}median at the larger size / median at the smaller size",
        )
    ]
    reference = f"pages.{REFERENCE.name}.median"
    if name != f"pages.{REFERENCE.name}" and reference in smaller and reference in larger:
        # The sizes are measured minutes apart; when other work on the machine comes or
        # goes in between, the reference page slows or speeds up with every page. Each
        # median in units of its own run's reference median cancels that out.
        adjusted = (large_ms / larger[reference].value) / (small_ms / smaller[reference].value)
        figures.append(
            Figure(
                f"{name}.median_ratio_load_adjusted",
                round(adjusted, 2),
                "x",
                target=target,
                comparison=comparison,
                description=f"{what}median_ratio with each median divided by its run's reference",
            )
        )
    return figures


def comparisons(smaller, larger):
    """Figures comparing the pages at two sizes: {name: Figure} of the smaller and larger run."""
    figures = []
    for page in pages():
        name = f"pages.{page.name}"
        if f"{name}.median" not in smaller or f"{name}.median" not in larger:
            continue
        figures += _ratio_figures(name, smaller, larger, target=page.scaling_target)
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
        cold = f"{name}.cold"
        if f"{cold}.median" in smaller and f"{cold}.median" in larger:
            # A report's is held to its target; a list's is informative (its target applies
            # to the page as served).
            figures += _ratio_figures(
                cold,
                smaller,
                larger,
                target=COLD_REPORT_SCALING_TARGET if page.kind == "report" else None,
                what="first request after a change: ",
            )
        work = f"{name}.worker"
        if f"{work}.median" in smaller and f"{work}.median" in larger:
            figures += _ratio_figures(
                work, smaller, larger, target=None, what="the worker's computation: "
            )
    return figures


def timed(context, figures, name, label, seconds, statements, description):
    """Log a page's timings and add its median, p95 and query count to `figures`; the median
    in ms."""
    median_ms, p95_ms = median(seconds) * 1000, p95(seconds) * 1000
    context.log(
        f"  {label}: median {median_ms:.1f} ms, p95 {p95_ms:.1f} ms, "
        f"{len(statements.executed)} queries"
    )
    figures += [
        Figure(f"{name}.median", round(median_ms, 2), "ms", description=description),
        Figure(f"{name}.p95", round(p95_ms, 2), "ms"),
        Figure(f"{name}.queries", len(statements.executed), "queries"),
    ]
    return median_ms


@measurement(
    "pages",
    title="Pages: searches, reports, home and the reference page",
    compare=comparisons,
)
def measure(context):
    requests = context.options.get("requests", PAGE_REQUESTS)
    cold_requests = context.options.get("cold_requests", COLD_REQUESTS)
    # --page NAME: only those pages (and the reference, which the others are held to).
    wanted = context.options.get("pages")
    chosen = [page for page in pages() if not wanted or page is REFERENCE or page.name in wanted]
    figures = []
    reference_ms = None
    medians = {}
    for page, seconds, statements in measure_pages(chosen, requests=requests):
        name = f"pages.{page.name}"
        median_ms = timed(
            context, figures, name, page.name, seconds, statements, f"{requests} requests"
        )
        medians[page.name] = median_ms
        if page is REFERENCE:
            reference_ms = median_ms
        elif page.kind == "search":
            figures.append(
                Figure(
                    f"{name}.over_reference",
                    round(median_ms / reference_ms, 1),
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
        if page.kind == "search":
            explained = slowest_plan(statements)
            if explained:
                context.notes[f"{name}.slowest"] = explained
    cold_pages = [page for page in chosen if page.cached]
    if cold_pages and cold_requests:
        for cold in measure_cold(cold_pages, requests=cold_requests):
            page = cold.page
            name = f"pages.{page.name}.cold"
            median_ms = timed(
                context,
                figures,
                name,
                f"{page.name} after a change",
                cold.seconds,
                cold.statements,
                f"{cold_requests} requests, each after a change of the data",
            )
            if page.kind == "report":
                figures.append(
                    Figure(
                        f"{name}.over_reference",
                        round(median_ms / reference_ms, 1),
                        "x",
                        target=COLD_REPORT_TARGET,
                        comparison="<=",
                        description="first request after a change: median / the reference "
                        "page's median",
                    )
                )
            if cold.worker_seconds:
                worker_ms = median(cold.worker_seconds) * 1000
                context.log(
                    f"  {page.name}: the worker computes it again in {worker_ms:.1f} ms "
                    f"({cold.tasks} tasks)"
                )
                figures.append(
                    Figure(
                        f"pages.{page.name}.worker.median",
                        round(worker_ms, 2),
                        "ms",
                        description="after a change, the worker's time to compute the page's "
                        "figures again (the tasks its request asked, one after the other)",
                    )
                )
            # The report's own queries run only when it is computed (by the worker): explained
            # here. A browsed list's counting statement too, beside its slowest as served.
            explained = slowest_plan(cold.worker_statements) or slowest_plan(cold.statements)
            if explained:
                where = f"pages.{page.name}{'.cold' if page.kind == 'search' else ''}.slowest"
                context.notes[where] = explained
    return figures
