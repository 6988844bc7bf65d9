"""The OpenAPI schema: generated from the views without a warning, valid OpenAPI 3, and every
list documents exactly its page's parameters."""

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate

from companies.filters import DirectoryFilter
from events.filters import EventFilter
from vacancies.filters import ServiceRequestFilter, VacancyFilter


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_is_valid_openapi(schema):
    validate(schema)


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yaml"))


@pytest.mark.parametrize(
    ("path", "filterset"),
    [
        ("/api/v1/organisations/", DirectoryFilter),
        ("/api/v1/vacancies/", VacancyFilter),
        ("/api/v1/service-requests/", ServiceRequestFilter),
        ("/api/v1/events/", EventFilter),
    ],
)
def test_a_list_documents_its_pages_parameters(schema, path, filterset):
    documented = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
    assert documented == {*filterset.base_filters, "cursor", "per_page", "lang"}


def test_every_operation_documents_its_problems(schema):
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/") or path == "/api/v1/schema/":
            continue
        for method, operation in operations.items():
            if method != "get":
                continue
            responses = operation["responses"]
            assert "application/problem+json" in responses["400"]["content"], path
            assert "application/problem+json" in responses["429"]["content"], path
