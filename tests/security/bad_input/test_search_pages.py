"""Every search parameter of the public lists, the reports and the voucher pages, fed with
hostile input: the page answers 200 (or 400 for a request Django refuses whole), reports what
it cannot use, and never reflects input unescaped; CSV and JSON stay CSV and JSON."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import example, given
from hypothesis import strategies as st

from .properties import assert_csv
from .strategies import hostile, query

pytestmark = pytest.mark.django_db

# A request with more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters is refused whole: 400.
PAGE = (200, 400)

DIRECTORY = ["q", "kind", "service", "recognition", "sector", "province", "region"]
DIRECTORY += ["postcode", "km", "verified", "sort", "page", "per_page", "format"]
OPPORTUNITIES = ["q", "province", "region", "postcode", "km", "since", "include_expired"]
OPPORTUNITIES += ["sort", "page", "per_page", "format"]
VACANCIES = [*OPPORTUNITIES, "doorstroom", "sector", "contract_type", "hours"]
REQUESTS = [*OPPORTUNITIES, "service", "budget"]
REPORTS = ["from", "to", "province", "region", "category", "format", "row", "column"]
REPORT_SLUGS = ["firms", "services", "channels", "vouchers", "vacancies", "requests", "blind-spots"]
REPORT_SLUGS += ["evaluation"]

# Values the pages do accept, mixed with the hostile ones so that bad and good filters meet.
GOOD = [
    "groenonderhoud",
    "catering",
    "limburg",
    "zuidoost-limburg",
    "social",
    "regular",
    "C",
    "3700",
    "25",
    "250",
    "1",
    "7",
    "on",
    "true",
    "distance",
    "relevance",
    "closing",
    "newest",
    "name",
    "permanent",
    "1k-5k",
    "2",
    "200",
    "csv",
    # Places by name (portal/places.py): found, ambiguous, at the end of a query.
    "Hasselt",
    "sint-amandsberg",
    "Beveren",
    "schoonmaak hasselt",
]
values = st.one_of(st.sampled_from(GOOD), hostile)


# --- The directory, the vacancies and the service requests ------------------------------------


@given(pairs=query(DIRECTORY, values))
@example(pairs=[("q", "groen\x00onderhoud"), ("postcode", "3700\x00"), ("km", "9" * 5000)])
@example(pairs=[("service", "groen\x00"), ("sort", "<xss-probe>"), ("page", "-1")])
@example(pairs=[("q", '" x-probe="1'), ("per_page", "9223372036854775808")])
@example(pairs=[("q", "groen <b>hasselt</b>"), ("postcode", "Beveren<script>"), ("km", "0")])
@example(pairs=[("q", "schoonmaak in gent\x00"), ("km", "250"), ("sort", "distance")])
def test_directory_parameters(fuzz, world, pairs):
    with fuzz.example():
        fuzz.get(world.clients.anonymous, reverse("companies:directory"), pairs, allowed=PAGE)


@given(pairs=query(DIRECTORY, values))
def test_directory_csv(fuzz, world, pairs):
    with fuzz.example():
        response = fuzz.get(
            world.clients.anonymous,
            reverse("companies:directory"),
            [*pairs, ("format", "csv")],
            allowed=PAGE,
        )
        if response.status_code == 200 and response["Content-Type"].startswith("text/csv"):
            assert_csv(response)


@pytest.mark.parametrize("name", ["vacancy_list", "request_list"])
@given(pairs=st.data())
def test_opportunity_list_parameters(fuzz, world, name, pairs):
    names = VACANCIES if name == "vacancy_list" else REQUESTS
    drawn = pairs.draw(query(names, values), label="pairs")
    with fuzz.example():
        fuzz.get(world.clients.anonymous, reverse(f"vacancies:{name}"), drawn, allowed=PAGE)


@pytest.mark.parametrize("name", ["vacancy_list", "request_list"])
@given(pairs=st.data())
def test_opportunity_list_csv(fuzz, world, name, pairs):
    names = VACANCIES if name == "vacancy_list" else REQUESTS
    drawn = pairs.draw(query(names, values), label="pairs")
    with fuzz.example():
        response = fuzz.get(
            world.clients.anonymous,
            reverse(f"vacancies:{name}"),
            [*drawn, ("format", "csv")],
            allowed=PAGE,
        )
        if response.status_code == 200 and response["Content-Type"].startswith("text/csv"):
            assert_csv(response)


# --- Reports ----------------------------------------------------------------------------------

REPORT_VALUES = st.one_of(
    st.sampled_from(
        [*GOOD, "2012", str(timezone.localdate().year), "json", "csv", "any", "client", "all"]
    ),
    st.integers(2010, 2030).map(lambda year: f"{year}:limburg"),
    hostile,
)


@given(
    slug=st.sampled_from(REPORT_SLUGS),
    who=st.sampled_from(["anonymous", "regisseur"]),
    pairs=query(REPORTS, REPORT_VALUES),
    export=st.sampled_from(["", "csv", "json"]),
)
@example(slug="firms", who="regisseur", pairs=[("region", "zuidoost-limburg")], export="")
@example(slug="firms", who="anonymous", pairs=[("from", "9" * 5000), ("to", "-1")], export="")
def test_report_filters(fuzz, world, slug, who, pairs, export):
    extra = [("format", export)] if export else []
    with fuzz.example():
        response = fuzz.get(
            getattr(world.clients, who),
            reverse("companies:report", kwargs={"slug": slug}),
            pairs + extra,
            allowed=PAGE,
        )
        if response.status_code != 200:
            return
        content_type = response["Content-Type"]
        if content_type.startswith("application/json"):
            assert isinstance(json.loads(response.content), dict)
        elif content_type.startswith("text/csv"):
            assert_csv(response)


# --- Voucher pages and the other pages with GET parameters ------------------------------------

CODE_VALUES = st.one_of(
    st.sampled_from(["KC-", "kc 2345 6789 ab", "KC-23456789AB", "KC-ZZZZZZZZZZ"]), hostile
)


@given(
    page=st.sampled_from(["programmes", "programme", "apply", "mine", "redeem"]),
    pairs=query(["q", "page", "code", "provider", "category"], st.one_of(CODE_VALUES, values)),
)
@example(page="redeem", pairs=[("code", "KC-\x00")])
@example(page="apply", pairs=[("q", "groen\x00")])
def test_voucher_pages_parameters(fuzz, world, page, pairs):
    slug = world.programme.slug
    where = {
        "programmes": ("anonymous", reverse("vouchers:programme_list")),
        "programme": ("employer", reverse("vouchers:programme_detail", kwargs={"slug": slug})),
        "apply": ("employer", reverse("vouchers:apply", kwargs={"slug": slug})),
        "mine": ("employer", reverse("vouchers:my_vouchers")),
        # A found code redirects to its redemption page.
        "redeem": ("provider", reverse("vouchers:to_redeem")),
    }
    who, path = where[page]
    with fuzz.example():
        fuzz.get(getattr(world.clients, who), path, pairs, allowed=(*PAGE, 302))


@given(pairs=query(["q", "page"], values))
@example(pairs=[("q", "0403.170.701\x00")])
def test_join_search_parameters(fuzz, world, pairs):
    with fuzz.example():
        fuzz.get(world.clients.stranger, reverse("companies:join"), pairs, allowed=PAGE)


@given(pairs=query(["q", "partner", "page"], values))
@example(pairs=[("partner", "groenwerk\x00tongeren")])
@example(pairs=[("partner", "<xss-probe>"), ("q", "<xss-probe>")])
def test_collaboration_pages_parameters(fuzz, world, pairs):
    slug = world.firm.slug
    with fuzz.example():
        client = world.clients.employer
        fuzz.get(
            client,
            reverse("companies:collaboration_declare", kwargs={"slug": slug}),
            pairs,
            allowed=PAGE,
        )
        fuzz.get(
            client, reverse("companies:collaborations", kwargs={"slug": slug}), pairs, allowed=PAGE
        )


# --- The probes mean something: input is reflected, escaped -----------------------------------


@pytest.mark.parametrize(
    "probe", ["<xss-probe>", '" x-probe="1', "</title><script>alert(1)</script>"]
)
def test_search_text_is_shown_escaped(fuzz, world, probe):
    """The checks above look for raw probes; here the page does show the text, escaped."""
    with fuzz.example():
        response = fuzz.get(world.clients.anonymous, reverse("companies:directory"), [("q", probe)])
    assert escape(probe) in response.content.decode()
