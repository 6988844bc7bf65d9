"""gunicorn's settings for the portal: `gunicorn -c gunicorn.conf.py portal.wsgi` (the
Dockerfile's CMD, docker-compose.yml). Values come from the environment (README, Configuration).

A load balancer's probe of /health/ must be answered within a second however busy the pages
are, or it takes a busy but healthy process out of service. With one listener every connection
waits its turn in one listen queue, so under 200 clients a probe waited behind every page
request queued before it (5.8 s on the attacked server; 14 s p50 here on a shared 2-core machine,
benchmarks/README.md). Threads alone do not change that (8 s): the queue is the problem. So:

- a second listener for health probes (GUNICORN_HEALTH_PORT, default 8001, 0 for none). Its
  listen queue holds only probes, so a probe is accepted as soon as any thread comes free,
  ahead of the pages still queued on PORT. The same application answers there; give the port to
  the load balancer and the container's healthcheck only, never publish it.
- worker_connections = GUNICORN_THREADS: a process accepts only what it can serve now, so page
  requests wait in the kernel's listen queue (where the probe can pass them), not in a queue
  inside the process; one thread more than that for the probe accepted in the same turn.
- gthread workers, WEB_CONCURRENCY processes of few threads: a page waiting on PostgreSQL
  leaves the processor to another, while few threads per process keep a probe from waiting
  long for the GIL (4 x (4+1) threads gave p95 1.5 s, 4 x (2+1) 0.5 s). Each thread keeps its
  own database connection (CONN_MAX_AGE): processes x threads connections per machine.
"""

import multiprocessing
import os


def _count(name, default, *, least=0):
    """A whole number from the environment; a bad one stops the start, naming the variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}.") from None
    if value < least:
        raise SystemExit(f"{name} must be {least} or more, not {value}.")
    return value


port = _count("PORT", 8000, least=1)
health_port = _count("GUNICORN_HEALTH_PORT", 8001)
if health_port == port:
    raise SystemExit("GUNICORN_HEALTH_PORT must differ from PORT (or be 0 for none).")
bind = [f"0.0.0.0:{port}"] + ([f"0.0.0.0:{health_port}"] if health_port else [])

# WEB_CONCURRENCY is gunicorn's own variable; by default two processes per processor.
workers = _count("WEB_CONCURRENCY", max(2, 2 * multiprocessing.cpu_count()), least=1)
worker_class = "gthread"
# In one turn of its loop a process accepts a connection from each listener that has one
# waiting: the extra thread serves a probe accepted next to a page at once.
worker_connections = _count("GUNICORN_THREADS", 2, least=1)
threads = worker_connections + (1 if health_port else 0)
# A connection per request (as nginx sends them upstream by default): an idle kept-alive
# connection would hold one of the few places.
keepalive = 0

# A process whose main loop stops reporting for this long is restarted; with gthread the loop
# reports while requests run, so this bounds a stuck process, not a slow page.
timeout = _count("GUNICORN_TIMEOUT", 30, least=1)
graceful_timeout = 30
# Fresh processes now and then, staggered, so that a slow leak never grows large.
max_requests = 2000
max_requests_jitter = 200

accesslog = "-"
# The proxy's X-Forwarded-For next to the connecting address (%(h)s), and the time taken.
access_log_format = '%(h)s %({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# No runtime control socket (gunicornc): the container or supervisor manages the processes, and
# two gunicorns of one user on one machine would share its default path.
control_socket_disable = True
