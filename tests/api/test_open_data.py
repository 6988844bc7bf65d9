"""/open-data/: what is published, the licence, the files of the last dump and the DCAT-AP
catalogue (api/open_data_views.py, api/catalogue.py)."""

import json

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date

from api import dumps
from tests.factories import listed_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(tmp_path, settings):
    settings.OPEN_DATA_ROOT = tmp_path / "open-data"
    return settings.OPEN_DATA_ROOT


@pytest.fixture
def dumped(reference_data, root):
    listed_organisation(name="Groenwerk Haspengouw", services=["groenonderhoud"])
    return dumps.write()


def page(client, language="nl"):
    with translation.override(language):
        return client.get(reverse("open_data:index"))


def test_before_the_first_dump_the_page_says_so(client, reference_data, root):
    response = page(client)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Er zijn nog geen bestanden gemaakt" in html
    assert 'href="/open-data/files/' not in html
    assert "creativecommons.org/licenses/by/4.0/" in html


def test_the_page_lists_each_file_with_its_size_and_date(client, dumped, root):
    response = page(client)

    html = response.content.decode()
    for name in dumps.FILES:
        assert f'href="/open-data/files/{name}"' in html
    assert "1 organisatie, gemaakt op" in html
    assert "Statbel" in html and "GeoNames (CC BY 4.0)" in html
    assert 'href="/api/v1/docs/"' in html
    assert f'href="{reverse("api:schema")}"' in html
    assert f'href="{reverse("open_data:catalog")}"' in html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_page_is_translated(client, dumped, language):
    response = page(client, language)

    assert response.status_code == 200
    title = {"fr": "Données ouvertes", "en": "Open data"}[language]
    assert f"<h1>{title}</h1>" in response.content.decode()


def test_the_footer_links_the_page(client, reference_data):
    response = client.get(reverse("home"))

    assert f'href="{reverse("open_data:index")}"' in response.content.decode()


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("organisations.csv", "text/csv; charset=utf-8"), ("organisations.json", "application/json")],
)
def test_a_file_downloads_with_its_type_and_name(client, dumped, root, name, media_type):
    response = client.get(reverse("open_data:download", kwargs={"name": name}))

    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert int(response["Content-Length"]) == (root / name).stat().st_size
    assert b"".join(response.streaming_content) == (root / name).read_bytes()
    assert 'rel="license"' in response["Link"]


def test_an_unchanged_file_answers_not_modified(client, dumped, root):
    url = reverse("open_data:download", kwargs={"name": dumps.JSON_FILE})
    modified = client.get(url)["Last-Modified"]

    response = client.get(url, HTTP_IF_MODIFIED_SINCE=modified)

    assert response.status_code == 304
    older = http_date((root / dumps.JSON_FILE).stat().st_mtime - 3600)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=older).status_code == 200


@pytest.mark.parametrize(
    "name", ["index.json", "secret.txt", "..%2Fsettings.py", ".organisations.csv.part"]
)
def test_only_the_published_files_are_served(client, dumped, root, name):
    (root / "secret.txt").write_text("no")

    response = client.get(f"/open-data/files/{name}")

    assert response.status_code == 404


def test_before_the_first_dump_a_file_is_not_found(client, reference_data, root):
    response = client.get(reverse("open_data:download", kwargs={"name": dumps.CSV_FILE}))

    assert response.status_code == 404


def test_the_pages_only_read(client, dumped):
    for url in (
        reverse("open_data:index"),
        reverse("open_data:catalog"),
        reverse("open_data:download", kwargs={"name": dumps.CSV_FILE}),
    ):
        assert client.post(url).status_code == 405


# --- The DCAT-AP catalogue ----------------------------------------------------------------------


def catalogue(client):
    response = client.get(reverse("open_data:catalog"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    return json.loads(response.content)


def by_type(document, kind):
    """Every node of `kind` in the document, however deep."""
    found = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("@type") == kind:
                found.append(node)
            for value in node.values():
                walk(value)

    walk(document)
    return found


def languages(values):
    return {value["@language"] for value in values}


def test_the_catalogue_has_what_dcat_ap_requires(client, dumped):
    document = catalogue(client)

    assert document["@type"] == "dcat:Catalog"
    for prefix in ("dcat", "dct", "foaf", "vcard"):
        assert prefix in document["@context"]
    # Mandatory (DCAT-AP): catalogue title, description, publisher (an agent with a name),
    # dataset; dataset title and description; distribution access URL; data service title and
    # endpoint URL.
    every_language = {"nl", "fr", "en"}
    assert languages(document["dct:title"]) == every_language
    assert languages(document["dct:description"]) == every_language
    assert document["dct:publisher"]["foaf:name"]
    [dataset] = by_type(document, "dcat:Dataset")
    assert dataset is document["dcat:dataset"][0]
    assert languages(dataset["dct:title"]) == {"nl", "fr", "en"}
    assert dataset["dct:description"]
    distributions = by_type(document, "dcat:Distribution")
    assert all(item["dcat:accessURL"]["@id"].startswith("http") for item in distributions)
    [service] = by_type(document, "dcat:DataService")
    assert service["dct:title"] and service["dcat:endpointURL"]["@id"].endswith("/api/v1/")
    assert service["dcat:endpointDescription"]["@id"].endswith(reverse("api:schema"))
    # Recommended: contact point, keywords, theme, licence, language, dates.
    assert dataset["dcat:contactPoint"]["vcard:hasEmail"]["@id"].startswith("mailto:")
    assert dataset["dcat:keyword"] and dataset["dcat:theme"]["@id"].endswith("/data-theme/ECON")
    assert document["dct:license"]["@id"].endswith("/licence/CC_BY_4_0")
    assert len(document["dct:language"]) == 3
    assert document["dct:modified"]["@type"] == "xsd:dateTime"


def test_each_file_is_a_distribution_with_its_download_format_and_size(client, dumped, root):
    document = catalogue(client)

    files = {
        item["dcat:downloadURL"]["@id"].rsplit("/", 1)[1]: item
        for item in by_type(document, "dcat:Distribution")
        if "dcat:downloadURL" in item
    }
    assert set(files) == set(dumps.FILES)
    csv_file = files[dumps.CSV_FILE]
    assert csv_file["dct:format"]["@id"].endswith("/file-type/CSV")
    assert csv_file["dcat:mediaType"]["@id"].endswith("/text/csv")
    assert csv_file["dcat:byteSize"]["@value"] == str((root / dumps.CSV_FILE).stat().st_size)
    assert csv_file["dct:license"]["@id"].endswith("/licence/CC_BY_4_0")
    # The download address works.
    path = csv_file["dcat:downloadURL"]["@id"].split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200


def test_the_api_is_a_distribution_through_its_data_service(client, dumped):
    document = catalogue(client)

    [service] = by_type(document, "dcat:DataService")
    through_api = [
        item
        for item in by_type(document, "dcat:Distribution")
        if item.get("dcat:accessService", {}).get("@id") == service["@id"]
    ]
    assert len(through_api) == 1
    assert service["dcat:servesDataset"]["@id"] == document["dcat:dataset"][0]["@id"]


def test_without_a_dump_the_catalogue_lists_the_api_only(client, reference_data, root):
    document = catalogue(client)

    distributions = by_type(document, "dcat:Distribution")
    assert len(distributions) == 1 and "dcat:accessService" in distributions[0]
    assert "dct:modified" not in document


@pytest.mark.parametrize(
    "content",
    ["", "[1, 2]", "{not json", '{"records": "many", "generated_at": "2026-12-07T04:00:00"}'],
)
def test_a_damaged_index_does_not_break_the_page(client, dumped, root, content):
    (root / dumps.INDEX_FILE).write_text(content)

    response = page(client)

    assert response.status_code == 200
    assert 'href="/open-data/files/organisations.csv"' in response.content.decode()
