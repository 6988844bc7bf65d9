#!/usr/bin/env python3
"""List the verified social enterprises that offer a service near a postcode, through Brugwerk's
public API. Written against the API's OpenAPI schema alone (/api/v1/schema/, described for
people at /api/v1/docs/ and /open-data/api/), with Python's standard library only.

    python3 nearby_social_enterprises.py https://brugwerk.example groenonderhoud 9000 --km 30

The service is a service category's slug (GET /api/v1/service-categories/ lists them); the
postcode may also be a place's name. The script asks GET /api/v1/organisations/ with the
directory's own search parameters (kind=social, verified=1, service, postcode, km), follows the
cursor's "next" links to the last page, waits when an answer 429 says how long to (Retry-After),
and prints one line per enterprise: name, place, distance, profile. A refused search (an unknown
service, a place it does not know) prints the API's problem details and exits with status 2.

A token (BRUGWERK_API_TOKEN, or --token) raises the rate limit; none is needed.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

API_PATH = "/api/v1/"
# How often a request is tried when the API answers 429 (too many requests), and the longest
# wait between two tries that the script accepts.
TRIES = 5
LONGEST_WAIT = 60


class Refused(Exception):
    """The API refused the request (its problem details, RFC 9457, in words), or could not be
    reached."""


def api_root(base):
    """The API's root for a portal's address (or for the API's own root)."""
    base = base.rstrip("/")
    return base + "/" if base.endswith(API_PATH.rstrip("/")) else base + API_PATH


def search_url(base, *, service, postcode, km, per_page=None):
    parameters = {"kind": "social", "verified": 1, "service": service}
    parameters.update(postcode=postcode, km=km)
    if per_page:
        parameters["per_page"] = per_page
    return f"{api_root(base)}organisations/?{urllib.parse.urlencode(parameters)}"


def problem(error):
    """The problem details of an HTTP error answer, in one text."""
    try:
        details = json.load(error)
    except ValueError:
        return f"{error.code} {error.reason}"
    lines = [details.get("detail") or details.get("title") or f"{error.code} {error.reason}"]
    for field, messages in (details.get("errors") or {}).items():
        lines += [f"{field}: {message}" for message in messages]
    return "\n".join(lines)


def seconds(retry_after):
    """The seconds a Retry-After header asks to wait (a number; a date counts as 1 s)."""
    try:
        return max(0, int(retry_after))
    except (TypeError, ValueError):
        return 1


def get_json(url, *, token=None, language=None):
    """The JSON body of GET `url`; waits and tries again on 429, raises Refused on an error."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if language:
        headers["Accept-Language"] = language
    for attempt in range(1, TRIES + 1):
        # http(s) only: main() refuses other addresses, and "next" links are the API's own.
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code == 429 and attempt < TRIES:
                wait = seconds(error.headers.get("Retry-After"))
                if wait <= LONGEST_WAIT:
                    time.sleep(wait)
                    continue
            raise Refused(problem(error)) from error
        except urllib.error.URLError as error:
            raise Refused(f"{url}: {error.reason}") from error
    raise AssertionError("unreachable")


def organisations(url, **options):
    """Every organisation the search at `url` finds, page after page (the cursor's "next")."""
    while url:
        page = get_json(url, **options)
        yield from page["results"]
        url = page["next"]


def line(organisation):
    """One enterprise on one line: name, place, distance from the postcode, profile page."""
    place = organisation["place"]
    parts = [organisation["name"], f"{place['postcode']} {place['place']}"]
    if organisation["distance_km"] is not None:
        parts.append(f"{organisation['distance_km']} km")
    parts.append(organisation["url"])
    return " · ".join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the portal's address, e.g. https://brugwerk.example")
    parser.add_argument("service", help="a service category's slug, e.g. groenonderhoud")
    parser.add_argument("postcode", help="a Belgian postcode or a place's name, e.g. 9000")
    parser.add_argument("--km", type=int, default=25, help="the distance in km (default 25)")
    parser.add_argument(
        "--per-page", type=int, help="organisations per request (the API's default)"
    )
    parser.add_argument("--lang", choices=["nl", "fr", "en"], help="the language of labels")
    parser.add_argument("--token", default=os.environ.get("BRUGWERK_API_TOKEN"))
    arguments = parser.parse_args(argv)
    if urllib.parse.urlsplit(arguments.base).scheme not in ("http", "https"):
        parser.error("the address starts with https:// (or http://)")
    url = search_url(
        arguments.base,
        service=arguments.service,
        postcode=arguments.postcode,
        km=arguments.km,
        per_page=arguments.per_page,
    )
    found = 0
    try:
        for organisation in organisations(url, token=arguments.token, language=arguments.lang):
            print(line(organisation))
            found += 1
    except Refused as refused:
        print(refused, file=sys.stderr)
        return 2
    print(f"{found} verified social enterprise(s) found.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
