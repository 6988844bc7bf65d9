"""The portal's settings as `python -m benchmarks --only exports` serves it under gunicorn
(benchmarks/measure_exports.py): those of the embedded run (no TLS redirect, static files from
the app folders, no secrets needed) with DEBUG off, as in production: DEBUG keeps every
statement a process runs."""

from portal.settings import *  # noqa: F403

DEBUG = False
