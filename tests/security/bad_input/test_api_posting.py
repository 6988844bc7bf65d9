"""Posting from an HR system (api/posting.py), fed hostile JSON: any value where a field is
expected (text of every kind, numbers, booleans, null, lists, objects), unknown fields, and
bodies that are not objects. Never a 500: 201 for what the page's form accepts, else 400 with
the fields named; nothing stored from refused input."""

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from api import tokens
from tests.factories import in_days
from vacancies.models import Vacancy

from .strategies import hostile

pytestmark = pytest.mark.django_db

FIELDS = [
    "title",
    "description",
    "postcode",
    "contract_type",
    "hours_per_week",
    "sector",
    "start_date",
    "closing_date",
    "supports",
]
texts = hostile.filter(lambda value: isinstance(value, str))
scalars = st.one_of(
    texts, st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.just("mentor")
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=2),
    max_leaves=4,
)


def valid():
    return {
        "title": "Magazijnier",
        "description": "Orderpicking in een klein team.",
        "postcode": "3700",
        "contract_type": "permanent",
        "hours_per_week": 38,
        "sector": "H",
        "closing_date": in_days(30).isoformat(),
        "supports": ["mentor"],
    }


@pytest.fixture
def client(world):
    key = tokens.issue(by=world.employer, name="HR", organisation=world.firm)[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@given(
    changes=st.dictionaries(st.sampled_from(FIELDS) | texts, values, max_size=4),
)
@example(changes={"title": "\ud800"})
@example(changes={"\ud800": 1})
@example(changes={"supports": [None]})
@example(changes={"hours_per_week": 10**400})
def test_hostile_fields_never_crash(client, fuzz, changes):
    with fuzz.example():
        before = Vacancy.objects.count()
        response = post(client, {**valid(), **changes})
        assert response.status_code in (201, 400), (response.status_code, changes)
        if response.status_code == 400:
            assert Vacancy.objects.count() == before
            assert response.json()


def post(client, body):
    """The body as JSON with ASCII escapes: a lone surrogate travels as JSON allows it."""
    return client.post("/api/v1/vacancies/", data=json.dumps(body), content_type="application/json")


@given(body=values.filter(lambda value: not isinstance(value, dict)))
@example(body=[])
@example(body=None)
def test_bodies_that_are_not_objects_never_crash(client, fuzz, body):
    with fuzz.example():
        response = post(client, body)
        assert response.status_code == 400
