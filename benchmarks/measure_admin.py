"""The admin's changelists at volume (issue 20): each list a regisseur or an administrator uses, as
they get it, held to the reference page.

Two staff members are made for the measurement and removed afterwards, as for the work queue
(benchmarks/measure_workqueue.py): an administrator and a regisseur of every region (whose lists
are scoped to their regions, the largest such lists). The generated data hold no emails; the
notifications list is measured over `NOTIFICATIONS_PER_ORGANISATION` sent notifications per
organisation written for the run (status "sent", so the outbox stays empty; vacuumed as autovacuum
would) and deleted after it. Each list is requested through Django's test Client (every middleware,
the templates, DEBUG off; the session passed the second factor): three warm-up requests, then
`--requests` timed ones, round-robin with the reference page as the pages are measured
(benchmarks/measure_pages.py). Figures: median, p95, statements per request and the median as a
multiple of the reference page's (target `OVER_REFERENCE_TARGET`); the EXPLAIN ANALYZE of each
list's slowest statement goes to the notes.
"""

from time import perf_counter

from django.db import connection
from django.test.utils import override_settings
from django.urls import reverse

from companies.models import Organisation
from portal.models import Notification, NotificationStatus, Region, User

from .measure_pages import PAGE_REQUESTS, REFERENCE, URLCONF, WARM_UP, Statements, slowest_plan
from .measure_workqueue import _logged_in
from .registry import BenchmarkError, measurement
from .report import Figure, median, p95

OVER_REFERENCE_TARGET = 20
NOTIFICATIONS_PER_ORGANISATION = 2
BULK_EMAIL = "@bulk-admin.brugwerk.test"

# (name, admin URL name, who uses it). Regisseurs use the lists they have a module permission
# for; the others are the administrators'.
CHANGELISTS = [
    ("organisations", "admin:companies_organisation_changelist", ("administrator", "regisseur")),
    ("collaborations", "admin:companies_collaboration_changelist", ("administrator", "regisseur")),
    ("vacancies", "admin:vacancies_vacancy_changelist", ("administrator", "regisseur")),
    ("requests", "admin:vacancies_servicerequest_changelist", ("administrator", "regisseur")),
    ("programmes", "admin:vouchers_programme_changelist", ("administrator", "regisseur")),
    ("vouchers", "admin:vouchers_voucher_changelist", ("administrator", "regisseur")),
    ("notifications", "admin:portal_notification_changelist", ("administrator",)),
    ("users", "admin:portal_user_changelist", ("administrator",)),
]


def _staff(who, *, superuser):
    user = User.objects.create(
        email=f"{who}{BULK_EMAIL}",
        name=f"Benchmark {who}",
        is_staff=True,
        is_superuser=superuser,
    )
    if not superuser:
        user.regions.set(Region.objects.all())
    return user


def _write_notifications(count):
    """`count` sent notifications for the list to show; removed by _remove_notifications."""
    Notification.objects.bulk_create(
        (
            Notification(
                key=f"benchmark-admin-{number}",
                email=f"person{number}{BULK_EMAIL}",
                kind="benchmark",
                language="nl",
                subject="Benchmark",
                body="Benchmark",
                status=NotificationStatus.SENT,
            )
            for number in range(count)
        ),
        batch_size=5_000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does to a table that grew over months: the planner's statistics
            # and the visibility map (a count from the index alone), not a table just written.
            analyse = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cursor.execute(f"{analyse} portal_notification")


def _remove_notifications():
    Notification.objects.filter(email__endswith=BULK_EMAIL).delete()


def _get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise BenchmarkError(f"{url} answered {response.status_code}.")
    return response


def measure_lists(clients, pages, requests):
    """{(who, name): (seconds of each timed request, Statements of one request)}, the
    reference under ("reference", "reference"); round-robin over all of them."""
    measured = {}
    for key, (client, url) in pages.items():
        for _ in range(WARM_UP):
            _get(client, url)
        statements = Statements()
        with connection.execute_wrapper(statements):
            _get(client, url)
        measured[key] = ([], statements)
    for _ in range(requests):
        for key, (client, url) in pages.items():
            started = perf_counter()
            _get(client, url)
            measured[key][0].append(perf_counter() - started)
    return measured


@measurement("admin", title="The admin's changelists, as administrator and as regisseur")
def measure(context):
    requests = context.options.get("requests") or PAGE_REQUESTS
    if not Organisation.objects.exists():
        raise BenchmarkError("There are no organisations: seed data first.")
    User.objects.filter(email__endswith=BULK_EMAIL).delete()
    people = {
        "administrator": _staff("administrator", superuser=True),
        "regisseur": _staff("regisseur", superuser=False),
    }
    _remove_notifications()
    _write_notifications(context.size.organisations * NOTIFICATIONS_PER_ORGANISATION)
    figures = []
    try:
        with override_settings(ROOT_URLCONF=URLCONF, DEBUG=False):
            clients = {who: _logged_in(User.objects.get(pk=u.pk)) for who, u in people.items()}
            pages = {("reference", "reference"): (clients["administrator"], REFERENCE.path)}
            for name, url_name, users in CHANGELISTS:
                for who in users:
                    pages[(who, name)] = (clients[who], reverse(url_name))
            measured = measure_lists(clients, pages, requests)
        reference_ms = median(measured.pop(("reference", "reference"))[0]) * 1000
        figures.append(Figure("admin.reference.median", round(reference_ms, 2), "ms"))
        for (who, name), (seconds, statements) in measured.items():
            key = f"admin.{who}.{name}"
            median_ms, p95_ms = median(seconds) * 1000, p95(seconds) * 1000
            ratio = round(median_ms / reference_ms, 1)
            context.log(
                f"  {who} {name}: median {median_ms:.1f} ms ({ratio}x the reference), "
                f"{len(statements.executed)} queries"
            )
            figures += [
                Figure(f"{key}.median", round(median_ms, 2), "ms", description=f"{requests} req"),
                Figure(f"{key}.p95", round(p95_ms, 2), "ms"),
                Figure(f"{key}.queries", len(statements.executed), "queries"),
                Figure(
                    f"{key}.over_reference",
                    ratio,
                    "x",
                    target=OVER_REFERENCE_TARGET,
                    comparison="<=",
                    description="median / the reference page's median",
                ),
            ]
            explained = slowest_plan(statements)
            if explained:
                context.notes[f"{key}.slowest"] = explained
    finally:
        User.objects.filter(pk__in=[user.pk for user in people.values()]).delete()
        _remove_notifications()
    return figures
