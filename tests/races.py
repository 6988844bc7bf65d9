"""Races for the tests that hold a rule under concurrency (PostgreSQL, transactional tests)."""

import fcntl
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

# A race opens one connection per racer (up to 60), and `make test` runs two pytest workers: two
# races at once could pass PostgreSQL's max_connections (100), and a racer would fail to connect
# ("too many clients") as if the rule under test had failed. Races therefore take turns, across
# the workers' processes, by a lock on this file.
TURN_FILE = Path(tempfile.gettempdir()) / "brugwerk-test-races.lock"


@contextmanager
def one_race_at_a_time():
    with TURN_FILE.open("a") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(turn, fcntl.LOCK_UN)


def run_together(work, count):
    """Run work(index) in `count` threads released at once; returns each one's outcome (its
    result, or the exception it raised). Each thread uses, then closes, its own connection."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def racer(index):
        try:
            barrier.wait(timeout=60)
            outcomes[index] = work(index)
        except Exception as error:  # noqa: BLE001 (the outcome is what the test looks at)
            outcomes[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=racer, args=(index,)) for index in range(count)]
    with one_race_at_a_time():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return outcomes
