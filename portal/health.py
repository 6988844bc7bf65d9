"""The portal's health as a load balancer reads it at /health/: database, broker, outbox backlog.

Only the database decides whether this process can serve: with Redis down, pages still render
and every email waits in the outbox (beat's sweep sends it once the broker is back), so the
report says "degraded" and the load balancer keeps routing traffic here.
"""

import redis
from django.db import DatabaseError, connection
from django.db.models import Count, Min, Q
from django.utils import timezone

from .celery import app as celery_app
from .models import Notification, NotificationStatus

# A load balancer probes every few seconds; a hanging broker must not hold the answer up.
BROKER_TIMEOUT_SECONDS = 1


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def broker_state():
    """The broker: ok or down (Redis), or inline when tasks run in the web process."""
    url = celery_app.conf.broker_url
    if not url or url.startswith("memory://"):
        return "inline"
    client = redis.Redis.from_url(
        url, socket_connect_timeout=BROKER_TIMEOUT_SECONDS, socket_timeout=BROKER_TIMEOUT_SECONDS
    )
    try:
        return "ok" if client.ping() else "down"
    except redis.RedisError:
        return "down"
    finally:
        client.close()


def outbox_backlog(*, now=None):
    """Counts of emails waiting and given up on, and how long the oldest has waited."""
    now = now or timezone.now()
    pending = Q(status=NotificationStatus.PENDING)
    figures = Notification.objects.filter(
        status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED]
    ).aggregate(
        pending=Count("pk", filter=pending),
        failed=Count("pk", filter=Q(status=NotificationStatus.FAILED)),
        oldest=Min("created_at", filter=pending),
    )
    oldest = figures.pop("oldest")
    figures["oldest_pending_seconds"] = (
        max(0, int((now - oldest).total_seconds())) if oldest else None
    )
    return figures


def report():
    """The report and its HTTP status: 503 only when the database does not answer."""
    broker = broker_state()
    try:
        outbox = outbox_backlog() if database_answers() else None
    except DatabaseError:
        outbox = None
    if outbox is None:
        return {"status": "down", "database": "down", "broker": broker}, 503
    return {
        "status": "degraded" if broker == "down" else "ok",
        "database": "ok",
        "broker": broker,
        "outbox": outbox,
    }, 200
