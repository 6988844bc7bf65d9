"""The buy-social guide: the directory search as CSV and as a printed brochure (issue 17)."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from companies import guide
from companies.models import Organisation, Recognition
from portal.models import ServiceCategory
from tests.factories import listed_organisation, reference_rows_in_memory

pytestmark = pytest.mark.django_db

URL = "/en" + reverse("companies:directory")


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def entries(response):
    """The organisations of the printed guide, in print order, by group: {title: [names]}."""
    html = response.content.decode()
    groups = {}
    for section in html.split('<h2 class="guide__group-title"')[1:]:
        title = re.search(r">([^<]+?) <span", section).group(1).strip()
        groups[title] = re.findall(r'<h3 class="guide-entry__name">([^<]+)</h3>', section)
    return groups


@pytest.fixture
def enterprises(reference_data):
    """Three social enterprises with contact details, and a school without services."""
    groenwerk = listed_organisation(
        name="Groenwerk Haspengouw",
        code="3700",
        services=["groenonderhoud", "schoonmaak"],
        recognitions=["maatwerkbedrijf"],
        street="Mergelweg 12",
        phone="012 34 56 78",
        email="info@groenwerk.example",
        website="https://groenwerk.example",
    )
    kringwinkel = listed_organisation(
        name="Kringwinkel Hageland",
        code="3200",
        services=["hergebruik-kringwinkel"],
        street="Markt 3",
        phone="016 11 22 33",
        email="winkel@kringwinkel.example",
        website="https://kringwinkel.example",
        show_phone=False,
        show_email=False,
    )
    poetsploeg = listed_organisation(
        name="Poetsploeg Tongeren", code="3700", services=["schoonmaak"], street="Veemarkt 1"
    )
    school = listed_organisation(name="Basisschool De Linde", kind="school", code="3700")
    return groenwerk, kringwinkel, poetsploeg, school


# --- CSV ------------------------------------------------------------------------------------


def test_the_csv_guide_has_the_contact_details(client, enterprises):
    header, *rows = csv_rows(client.get(URL, {"format": "csv", "sort": "name"}))

    assert header[3] == "Address"
    assert header[9:12] == ["Website", "Phone", "Email"]
    groenwerk = next(row for row in rows if row[0] == "Groenwerk Haspengouw")
    assert groenwerk[3] == "Mergelweg 12"
    assert groenwerk[9:12] == [
        "https://groenwerk.example",
        "012 34 56 78",
        "info@groenwerk.example",
    ]


def test_the_csv_guide_leaves_out_what_a_member_hid(client, enterprises):
    _groenwerk, kringwinkel, _poetsploeg, _school = enterprises
    kringwinkel.show_address = kringwinkel.show_website = False
    kringwinkel.save()

    _header, *rows = csv_rows(client.get(URL, {"format": "csv"}))

    row = next(row for row in rows if row[0] == "Kringwinkel Hageland")
    assert row[3] == ""
    assert row[4] == "3200"  # the postcode and municipality always show
    assert row[9:12] == ["", "", ""]
    assert "016 11 22 33" not in str(rows) and "winkel@kringwinkel.example" not in str(rows)


# --- The printed guide ----------------------------------------------------------------------


def test_the_directory_links_to_the_printed_guide_with_its_search(client, enterprises):
    html = client.get(URL, {"service": "schoonmaak", "page": "1"}).content.decode()

    assert 'href="?service=schoonmaak&amp;format=print&amp;group=service"' in html
    assert 'href="?service=schoonmaak&amp;format=print&amp;group=municipality"' in html
    assert "up to 500" in html


def test_the_printed_guide_groups_by_service_with_contact_details(client, enterprises):
    response = client.get(URL, {"format": "print", "group": "service"})

    assert response.status_code == 200
    assert entries(response) == {
        "Green maintenance": ["Groenwerk Haspengouw"],
        "Cleaning": ["Groenwerk Haspengouw", "Poetsploeg Tongeren"],
        "Re-use and thrift shops": ["Kringwinkel Hageland"],
        "Other organisations": ["Basisschool De Linde"],
    }
    html = response.content.decode()
    assert "Mergelweg 12, 3700 Tongeren" in html
    assert '<a href="tel:+3212345678">012 34 56 78</a>' in html
    assert '<a href="mailto:info@groenwerk.example">info@groenwerk.example</a>' in html
    assert 'href="https://groenwerk.example"' in html
    # What a member hid stays off paper too; the profile's address is there for everyone.
    assert "016 11 22 33" not in html and "winkel@kringwinkel.example" not in html
    assert "http://testserver/en/organisations/kringwinkel-hageland/" in html
    assert 'href="/static/css/print.css" media="print"' in html


def test_grouped_by_service_a_search_for_a_service_keeps_to_it(client, enterprises):
    response = client.get(URL, {"format": "print", "service": "schoonmaak"})

    assert entries(response) == {"Cleaning": ["Groenwerk Haspengouw", "Poetsploeg Tongeren"]}


def test_the_printed_guide_groups_by_municipality(client, enterprises):
    # Within a group, the search's order (here by name; the default is "recommended").
    response = client.get(URL, {"format": "print", "group": "municipality", "sort": "name"})

    assert entries(response) == {
        "Aarschot": ["Kringwinkel Hageland"],
        "Tongeren-Borgloon": [
            "Basisschool De Linde",
            "Groenwerk Haspengouw",
            "Poetsploeg Tongeren",
        ],
    }
    # Each organisation with every service it offers.
    html = response.content.decode()
    assert html.count("<strong>Cleaning</strong>") == 2
    assert html.count("<strong>Green maintenance</strong>") == 1


def test_the_printed_guide_takes_the_directory_filters(client, enterprises):
    response = client.get(
        URL,
        {
            "format": "print",
            "group": "municipality",
            "kind": "social",
            "postcode": "3700",
            "km": "10",
        },
    )

    assert entries(response) == {
        "Tongeren-Borgloon": ["Groenwerk Haspengouw", "Poetsploeg Tongeren"]
    }
    assert "within 10 km of 3700 Tongeren" in response.content.decode()


def test_an_unknown_grouping_is_explained_and_the_guide_still_prints(client, enterprises):
    response = client.get(URL, {"format": "print", "group": "<script>"})

    assert response.status_code == 200
    assert "cannot be grouped that way" in response.content.decode()
    assert "Cleaning" in entries(response)


def test_a_bad_search_parameter_still_prints_a_guide(client, enterprises):
    response = client.get(URL, {"format": "print", "km": "-1", "service": "nope", "page": "x"})

    assert response.status_code == 200
    assert sum(len(names) for names in entries(response).values()) == 5  # groenwerk twice


def test_the_printed_guide_of_an_empty_search_says_so(client, enterprises):
    response = client.get(URL, {"format": "print", "q": "zwembad"})

    assert response.status_code == 200
    assert "No organisation matches this search" in response.content.decode()


def test_the_printed_guide_is_in_the_language_of_the_page(client, enterprises):
    response = client.get(URL.replace("/en/", "/fr/"), {"format": "print", "service": "schoonmaak"})

    assert "Nettoyage" in entries(response)


@pytest.fixture
def twenty_seven(reference_data):
    """The issue's search: 27 social enterprises, more than a page of the directory."""
    return [
        listed_organisation(
            name=f"Maatwerk {n:02d}", services=["groenonderhoud"], phone=f"011 {n:02d}"
        )
        for n in range(27)
    ]


def test_the_printed_guide_holds_every_result_not_one_page(client, twenty_seven):
    response = client.get(URL, {"format": "print", "kind": "social"})

    printed = entries(response)["Green maintenance"]
    assert printed == [f"Maatwerk {n:02d}" for n in range(27)]
    html = response.content.decode()
    assert "27 organisations found" in html
    assert "A printed guide holds at most" not in html


def test_beyond_the_limit_the_guide_prints_the_first_and_says_so(client, twenty_seven, monkeypatch):
    # The limit is 500 (about 60 A4 pages); 27 organisations show what happens past it.
    assert guide.PRINT_LIMIT == 500
    monkeypatch.setattr(guide, "PRINT_LIMIT", 25)

    response = client.get(URL, {"format": "print", "sort": "name"})

    assert entries(response)["Green maintenance"] == [f"Maatwerk {n:02d}" for n in range(25)]
    html = response.content.decode()
    assert "27 organisations found" in html
    assert "this one lists the first 25 of the 27 found" in html
    assert "Narrow the search to print them all." in html


@pytest.fixture
def many(reference_data):
    def make(count):
        codes = ["3700", "3740", "3770", "3500", "3000"]
        return [
            listed_organisation(
                name=f"Onderneming {n:03d}",
                code=codes[n % len(codes)],
                services=["groenonderhoud", "schoonmaak"],
                recognitions=["maatwerkbedrijf"],
            )
            for n in range(count)
        ]

    return make


# The data version (a search without text is a browse, kept in the cache by it), the directory's
# statement (results counted with the facets, their ids in order), the rows, their services and
# their recognitions; the postcode, municipalities and service categories are reference rows,
# read from memory.
GUIDE_QUERIES = 5


@pytest.mark.parametrize("group", ["service", "municipality"])
def test_the_printed_guide_runs_as_many_queries_for_200_results_as_for_20(
    client, many, django_assert_max_num_queries, group
):
    params = {"format": "print", "group": group, "postcode": "3700", "km": "100"}
    many(20)
    reference_rows_in_memory()
    with django_assert_max_num_queries(GUIDE_QUERIES):
        response = client.get(URL, params)
    assert "20 organisations found" in response.content.decode()

    many(180)
    reference_rows_in_memory()
    with django_assert_max_num_queries(GUIDE_QUERIES):
        response = client.get(URL, params)
    html = response.content.decode()
    assert "200 organisations found" in html
    assert html.count('class="guide-entry"') == (400 if group == "service" else 200)


def test_the_csv_guide_translates_the_repeated_words_once_per_file(enterprises):
    """Issue 20: at 50,000 rows, get_kind_display() translated every kind's label on every row
    (350,000 gettext calls); the file translates the kinds, "yes" and "no" once."""
    from unittest import mock

    with mock.patch.object(guide, "labels", wraps=guide.labels) as translated:
        lines = list(guide.lines(Organisation.objects.for_directory(), with_distance=False))

    assert len(lines) == 1 + Organisation.objects.for_directory().count() > 2
    assert translated.call_count == 1


@pytest.mark.parametrize(
    ("language", "kind", "verified"),
    [
        ("nl", "Onderneming uit de sociale economie", "nee"),
        ("fr", "Entreprise d’économie sociale", "non"),
    ],
)
def test_the_csv_guide_writes_the_kind_and_verified_in_the_files_language(
    enterprises, language, kind, verified
):
    with translation.override(language):
        text = "".join(guide.lines(Organisation.objects.for_directory(), with_distance=False))

    assert f'"{kind}"' in text
    assert f'"{verified}"' in text


def test_the_csv_guide_lists_services_and_recognitions_in_the_vocabularys_order(
    client, reference_data, monkeypatch
):
    """The file reads plain values, not model instances (issue 20): the names come from the
    reference rows and the recognitions read once, in the order a profile lists them, also
    across chunks."""
    from portal import csvexport

    monkeypatch.setattr(csvexport, "CHUNK_SIZE", 2)
    for n in range(5):
        listed_organisation(
            name=f"Onderneming {n}",
            code="3700",
            services=["schoonmaak", "groenonderhoud"],
            recognitions=["maatwerkbedrijf", "arbeidszorg"][: 1 + n % 2],
        )

    _header, *rows = csv_rows(client.get(URL, {"format": "csv", "sort": "name"}))

    assert [row[0] for row in rows] == [f"Onderneming {n}" for n in range(5)]
    expected = ", ".join(
        category.name
        for category in ServiceCategory.objects.filter(slug__in=["schoonmaak", "groenonderhoud"])
    )
    assert {row[7] for row in rows} == {expected}
    both = ", ".join(
        recognition.name
        for recognition in Recognition.objects.filter(slug__in=["maatwerkbedrijf", "arbeidszorg"])
    )
    assert [row[8] for row in rows] == [
        Recognition.objects.get(slug="maatwerkbedrijf").name if n % 2 == 0 else both
        for n in range(5)
    ]


def test_the_csv_guide_runs_as_many_queries_for_many_rows_as_for_few(
    client, many, django_assert_max_num_queries, monkeypatch
):
    """On PostgreSQL the services and recognitions come with the rows, as arrays: the file is
    one statement (after the small-file count and the recognitions' names) whatever its
    length; elsewhere two more per chunk."""
    from django.db import connection

    from portal import csvexport

    monkeypatch.setattr(csvexport, "CHUNK_SIZE", 5)
    many(4)
    reference_rows_in_memory()
    with django_assert_max_num_queries(5) as few:
        rows = csv_rows(client.get(URL, {"format": "csv"}))
    assert len(rows) == 5

    many(20)
    reference_rows_in_memory()
    with django_assert_max_num_queries(5 if connection.vendor == "postgresql" else 13) as more:
        rows = csv_rows(client.get(URL, {"format": "csv"}))
    assert len(rows) == 25
    if connection.vendor == "postgresql":
        assert len(more.captured_queries) == len(few.captured_queries)
