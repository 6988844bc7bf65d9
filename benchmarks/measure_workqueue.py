"""The regisseur's work queue (portal/workqueue.py) at volume.

Two staff members are made for the measurement and removed afterwards: a regisseur of every
region (the largest queue a regisseur can have) and an administrator (every region and "No
region", plus the failed emails). For each: `queue_for` computed `--repeat` times (median and
p95 in ms, SQL statements), and the admin home as they get it (through Django's test Client
with every middleware and the templates; the session carries a second-factor login as after
allauth's code page), `PAGE_REQUESTS` (or `--requests`) timed requests after three warm-up
ones. The numbers of things waiting are in the description, to read the figures by.
"""

from time import perf_counter

from allauth.account.internal.flows.login import record_authentication
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from portal import workqueue
from portal.models import Region, User

from .measure_pages import PAGE_REQUESTS, URLCONF, WARM_UP, Statements
from .registry import measurement
from .report import Figure, median, p95

EMAIL = "{who}.workqueue@bulk.brugwerk.test"


def _staff(who, *, superuser):
    user, _created = User.objects.get_or_create(
        email=EMAIL.format(who=who),
        defaults={"name": f"Benchmark {who}", "is_staff": True, "is_superuser": superuser},
    )
    if not superuser:
        user.regions.set(Region.objects.all())
    return user


def _logged_in(user):
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    # What allauth records after the authenticator app's code (portal/twofactor.py reads it).
    request = RequestFactory().get("/")
    request.session, request.user = client.session, user
    record_authentication(request, user, "mfa", type="totp")
    request.session.save()
    return client


def _time(function, repeat):
    timings = []
    for _ in range(repeat):
        started = perf_counter()
        function()
        timings.append((perf_counter() - started) * 1000)
    return timings


def _figures(name, timings, queries, description):
    return [
        Figure(f"{name}.median", round(median(timings), 2), "ms", description=description),
        Figure(f"{name}.p95", round(p95(timings), 2), "ms", description=description),
        Figure(f"{name}.queries", queries, "statements", description=description),
    ]


@measurement("workqueue", title="The regisseur's work queue and the admin home")
def measure(context):
    requests = context.options.get("requests") or PAGE_REQUESTS
    figures = []
    people = {
        "regisseur": _staff("regisseur", superuser=False),
        "administrator": _staff("administrator", superuser=True),
    }
    try:
        for who, user in people.items():
            user = User.objects.get(pk=user.pk)  # no cached is_regisseur from earlier
            with CaptureQueriesContext(connection) as captured:
                queue = workqueue.queue_for(user)
            waiting = sum(item.count for region in queue.regions for item in region.items)
            description = (
                f"{who} of {len(queue.regions)} regions (queue entries: {waiting:,} in "
                f"{sum(len(region.items) for region in queue.regions)} section rows)"
            )
            timings = _time(lambda user=user: workqueue.queue_for(user), max(context.repeat, 5))
            figures += _figures(f"workqueue.{who}.queue", timings, len(captured), description)
            context.log(f"  queue of the {who}: median {median(timings):.1f} ms; {description}")

            client = _logged_in(user)
            with override_settings(ROOT_URLCONF=URLCONF, DEBUG=False):
                admin_home = reverse("admin:index")
                for _ in range(WARM_UP):
                    response = client.get(admin_home)
                    if response.status_code != 200:
                        raise AssertionError(f"The admin home answered {response.status_code}.")
                # (A request resets Django's query log: count with a wrapper, as the pages do.)
                statements = Statements()
                with connection.execute_wrapper(statements):
                    client.get(admin_home)
                timings = _time(lambda c=client, url=admin_home: c.get(url), requests)
            figures += _figures(
                f"workqueue.{who}.admin_home", timings, len(statements.executed), description
            )
            context.log(f"  admin home of the {who}: median {median(timings):.1f} ms")
    finally:
        User.objects.filter(pk__in=[user.pk for user in people.values()]).delete()
    return figures
