"""How fast /health/ answers while many clients load the heavy pages of a running portal.

    python -m benchmarks.health_under_load --base http://127.0.0.1:8000 \\
        --page "/organisations/?q=groen" --page /reports/ --clients 200 --seconds 40

`--clients` connections request the pages over and over (one request per connection, as a proxy
without keep-alive sends them), from one asyncio loop in this process; a second process probes
`--health` (default: /health/ at --base) every `--interval` seconds, as a load balancer does (each
probe on its own connection and thread, so a slow answer does not hold up the next), and times
each answer from connect to the last byte. Prints p50, p95 and max of the probes (those sent
while the load ran), and the pages' throughput and latency; `--output FILE` writes them as
JSON. It imports no Django: point it at gunicorn (see gunicorn.conf.py).
"""

import argparse
import asyncio
import http.client
import json
import math
import multiprocessing
import os
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit


def percentile(values, fraction):
    """The value below which `fraction` of the sorted values lie (nearest rank)."""
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def summary(latencies):
    return {
        "count": len(latencies),
        "p50_ms": round(1000 * percentile(latencies, 0.50), 1) if latencies else None,
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1) if latencies else None,
        "max_ms": round(1000 * max(latencies), 1) if latencies else None,
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
    }


async def fetch(host, port, path, host_header):
    """One GET on a new connection; the status (0: no answer)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nConnection: close\r\n"
            f"User-Agent: brugwerk-load\r\n\r\n".encode("ascii")
        )
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    try:
        return int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


async def load(base, pages, clients, deadline, host_header):
    parts = urlsplit(base)
    host, port = parts.hostname, parts.port or 80
    latencies, statuses, errors = [], {}, 0

    async def client(number):
        nonlocal errors
        index = number
        while time.monotonic() < deadline:
            path = pages[index % len(pages)]
            index += 1
            started = time.monotonic()
            try:
                status = await fetch(host, port, path, host_header)
            except OSError:
                errors += 1
                await asyncio.sleep(0.1)
                continue
            latencies.append(time.monotonic() - started)
            statuses[status] = statuses.get(status, 0) + 1

    await asyncio.gather(*(client(number) for number in range(clients)))
    return latencies, statuses, errors


def probe(url, interval, start, deadline, host_header, results):
    """In its own process: GET the health URL every `interval` s until the deadline, each probe
    in a thread of its own, so that a slow answer does not delay the next probe."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, statuses, lock = [], {}, threading.Lock()

    def once():
        started = time.monotonic()
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=120)
        try:
            connection.request("GET", path, headers={"Host": host_header})
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError:
            status = 0
        finally:
            connection.close()
        with lock:
            latencies.append(time.monotonic() - started)
            statuses[status] = statuses.get(status, 0) + 1

    while time.monotonic() < start:
        time.sleep(0.01)
    probes = []
    for number in range(max(1, round((deadline - start) / interval))):
        time.sleep(max(0.0, start + number * interval - time.monotonic()))
        thread = threading.Thread(target=once, daemon=True)
        thread.start()
        probes.append(thread)
    for thread in probes:
        thread.join()
    results.put((latencies, statuses))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.health_under_load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the portal's address")
    parser.add_argument(
        "--health",
        help="the health probe's URL (default: /health/ at --base; give the "
        "health port of gunicorn.conf.py to measure that)",
    )
    parser.add_argument("--page", action="append", dest="pages", help="a path to load; repeatable")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--warm-up", type=float, default=5, help="load before the probe starts")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between probes")
    parser.add_argument("--host-header", default=None, help="Host header (default: from --base)")
    parser.add_argument("--label", default="", help="a name for this run in the output")
    parser.add_argument("--output", help="write the figures as JSON to this file")
    args = parser.parse_args(argv)

    pages = args.pages or ["/organisations/?q=groen", "/reports/"]
    health = args.health or args.base.rstrip("/") + "/health/"
    host_header = args.host_header or urlsplit(args.base).netloc

    now = time.monotonic()
    start, deadline = now + args.warm_up, now + args.warm_up + args.seconds
    results = multiprocessing.get_context("fork").Queue()
    prober = multiprocessing.get_context("fork").Process(
        target=probe, args=(health, args.interval, start, deadline, host_header, results)
    )
    prober.start()
    latencies, statuses, errors = asyncio.run(
        load(args.base, pages, args.clients, deadline, host_header)
    )
    probe_latencies, probe_statuses = results.get()
    prober.join()

    figures = {
        "label": args.label,
        "clients": args.clients,
        "seconds": args.seconds,
        "pages": pages,
        "health_url": health,
        "health": {**summary(probe_latencies), "statuses": probe_statuses},
        "load": {
            **summary(latencies),
            "per_second": round(len(latencies) / (args.seconds + args.warm_up), 1),
            "statuses": statuses,
            "connection_errors": errors,
        },
        "load_average": os.getloadavg(),
    }
    health_figures, load_figures = figures["health"], figures["load"]
    print(
        f"{args.label or 'run'}: /health/ p50 {health_figures['p50_ms']} ms, "
        f"p95 {health_figures['p95_ms']} ms, max {health_figures['max_ms']} ms "
        f"({health_figures['count']} probes, statuses {probe_statuses}); pages "
        f"{load_figures['per_second']}/s, p50 {load_figures['p50_ms']} ms, "
        f"p95 {load_figures['p95_ms']} ms (statuses {statuses}, {errors} connection errors); "
        f"load average {figures['load_average'][0]:.1f}"
    )
    if args.output:
        with open(args.output, "w", encoding="utf-8") as file:
            json.dump(figures, file, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
