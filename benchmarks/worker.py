"""The worker's part played in this process: tasks go to a broker queue of their own, as they
would to a worker, and are taken from it and run here when the caller says, so that what a
request costs and what the worker then does are measured apart.

Real tasks on the real broker (Redis with REDIS_URL, Celery's in-memory transport without):
only the consumer is this process. The tests of the reports use it too.
"""

import uuid
from contextlib import contextmanager

from portal.celery import app as celery_app


def _route(routes):
    # Celery caches both the parsed routes and the router built from them.
    celery_app.conf.task_routes = routes
    celery_app.amqp.flush_routes()
    celery_app.amqp.router = celery_app.amqp.Router()


@contextmanager
def queued():
    """Within, tasks are sent to a queue of their own (its name is yielded), not run inline;
    whatever is left there is taken away at the end."""
    queue = f"brugwerk-inprocess-{uuid.uuid4().hex[:8]}"
    eager, routes = celery_app.conf.task_always_eager, celery_app.conf.task_routes
    celery_app.conf.task_always_eager = False
    _route({"*": {"queue": queue}})
    try:
        yield queue
    finally:
        _route(routes)
        celery_app.conf.task_always_eager = eager
        take(queue)


def take(queue):
    """[(task name, args)] waiting in `queue`, taken from it, in order."""
    found = []
    with celery_app.connection_for_read() as connection:
        waiting = connection.SimpleQueue(queue)
        try:
            while True:
                try:
                    # Sending returns once the broker has the message: nothing to wait for.
                    message = waiting.get_nowait()
                except waiting.Empty:
                    break
                message.ack()
                found.append((message.headers["task"], message.decode()[0]))
        finally:
            waiting.close()
    return found


def run(tasks):
    """Run tasks taken from a queue, one after the other, in this process, as a worker would."""
    for name, args in tasks:
        celery_app.tasks[name](*args)
