"""Shared by the API's tests: organisations with owners, and tokens for them."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api import tokens
from tests.factories import OrganisationFactory, OwnerFactory, UserFactory


def errors_of(response):
    """The field errors of a refused request, whatever the envelope: DRF's own ({"field":
    [...]}) or the problem details' ({"errors": {"field": [...]}})."""
    body = response.json()
    return body.get("errors", body) if isinstance(body, dict) else body


def detail_of(response):
    return response.json().get("detail")


class Poster:
    """An organisation, its owner, and a token of the organisation issued by that owner."""

    def __init__(self, **fields):
        self.organisation = OrganisationFactory(verified_at=timezone.now(), **fields)
        self.owner = OwnerFactory(organisation=self.organisation).user
        self.token, self.key = tokens.issue(
            by=self.owner, name="HR-systeem", organisation=self.organisation
        )

    def client(self):
        return bearer(self.key)


def bearer(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def poster(reference_data, db):
    return Poster()


@pytest.fixture
def other_poster(reference_data, db):
    return Poster()


@pytest.fixture
def personal_key(db):
    user = UserFactory()
    return tokens.issue(by=user, name="Mijn script")[1]
