"""Races for the tests that hold a rule under concurrency (PostgreSQL, transactional tests)."""

import threading

from django.db import connection


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
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
