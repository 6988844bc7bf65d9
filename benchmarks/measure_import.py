"""`manage.py import_organisations` of a long generated list: seconds and peak memory.

    DATABASE_URL=postgres://.../brugwerk_bench python -m benchmarks.measure_import \\
        --lines 20000 [--output FILE.json]

Writes a list of `--lines` generated social enterprises in the shape of a regie's official list
(semicolons, UTF-8 with a byte order mark; each with two or three services with a radius, one
or two recognitions, a target group, phone, email and website, spread over the postcodes of
Flanders) to a temporary file, then runs the command on it in this process three times: the
first run adds every organisation, the second (the same file) must find them all unchanged,
the third (every name changed) updates them all. Each run is timed (wall clock) and its Python
peak memory measured with tracemalloc; the process's peak resident size (ru_maxrss) is
reported at the end. The generated organisations (first eight digits of their enterprise
numbers from 17,000,000: a range neither the demo, the factories nor seed_bulk uses) are
deleted before and after, so the database is left as it was. Prints the figures as JSON.
"""

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from io import StringIO
from pathlib import Path

FIRST = 17_000_000  # the first eight digits of the first generated enterprise number
HEADER = (
    "enterprise_number;name;kind;recognitions;postcode;street;services;phone;email;website;"
    "target_groups"
)


def enterprise_number(index):
    eight = f"{FIRST + index:08d}"
    return f"{eight[:4]}.{eight[4:7]}.{eight[7:]}{97 - int(eight) % 97:02d}"


def generated_list(lines, *, seed=1, renamed=False):
    """The CSV text of `lines` generated organisations (the same ones for the same seed)."""
    from companies.models import Recognition, TargetGroup
    from portal.models import Postcode, ServiceCategory

    rng = random.Random(seed)
    postcodes = list(
        Postcode.objects.filter(municipality__province__region="flanders")
        .order_by("code")
        .values_list("code", flat=True)
    )
    categories = list(ServiceCategory.objects.order_by("slug").values_list("slug", flat=True))
    recognitions = list(Recognition.objects.order_by("slug").values_list("slug", flat=True))
    groups = list(TargetGroup.objects.order_by("slug").values_list("slug", flat=True))
    rows = [HEADER]
    for index in range(lines):
        services = "|".join(
            f"{slug}:{rng.randint(5, 80)}" for slug in rng.sample(categories, rng.randint(2, 3))
        )
        name = f"Sociale werkplaats {index + 1}{' Oost' if renamed else ''}"
        rows.append(
            ";".join(
                [
                    enterprise_number(index),
                    name,
                    "social",
                    "|".join(rng.sample(recognitions, rng.randint(1, 2))),
                    rng.choice(postcodes),
                    f"Nijverheidslaan {rng.randint(1, 250)}",
                    services,
                    f"011 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    f"info@werkplaats{index + 1}.test",
                    f"www.werkplaats{index + 1}.test",
                    rng.choice(groups),
                ]
            )
        )
    return "\ufeff" + "\r\n".join(rows) + "\r\n"


def generated():
    from companies.models import Organisation

    last = FIRST + 999_999
    return Organisation.objects.filter(
        enterprise_number__gte=f"{FIRST:08d}00", enterprise_number__lte=f"{last:08d}99"
    )


def _timed_run(path, source):
    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    tracemalloc.start()
    started = time.perf_counter()
    call_command("import_organisations", str(path), "--source", source, stdout=out, stderr=err)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": round(seconds, 2),
        "lines_per_second": None,
        "python_peak_mib": round(peak / 2**20, 1),
        "summary": out.getvalue().strip(),
        "progress_lines": len(err.getvalue().splitlines()),
    }


def measure(lines, *, seed=1):
    """Run the three imports of `lines` generated lines; returns the figures as a dict."""
    from django.db import connection

    generated().delete()
    figures = {"lines": lines, "database": connection.vendor}
    try:
        with tempfile.TemporaryDirectory() as folder:
            first = Path(folder) / "lijst.csv"
            first.write_text(generated_list(lines, seed=seed), encoding="utf-8")
            renamed = Path(folder) / "lijst-hernoemd.csv"
            renamed.write_text(generated_list(lines, seed=seed, renamed=True), encoding="utf-8")
            for name, path in (("add", first), ("again", first), ("update", renamed)):
                figures[name] = _timed_run(path, "gegenereerde lijst")
                figures[name]["lines_per_second"] = round(lines / figures[name]["seconds"], 1)
        # ru_maxrss is in KiB on Linux.
        figures["process_peak_rss_mib"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        )
    finally:
        generated().delete()
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", help="also write the figures to this JSON file")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings

    # As in production: with DEBUG on, Django keeps every statement (the bulk inserts' too).
    settings.DEBUG = False
    figures = measure(options.lines, seed=options.seed)
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    print(text)
    if options.output:
        Path(options.output).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
