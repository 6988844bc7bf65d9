"""The bad-input tests: a hypothesis profile, one world per test, one rolled-back transaction per
example, and the properties every answer must have.

Profiles (HYPOTHESIS_PROFILE): "brugwerk" (default: 25 examples per test, random locally and
derandomized in CI so that a run there is repeatable) and "brugwerk-deep" (500 examples, for a
long hunt by hand). Neither keeps an example database: a failure found is kept as an @example in
the test instead.
"""

import os
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings

from portal.models import Region
from tests.factories import (
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    ProgrammeFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    VoucherFactory,
    first_service_category,
    listed_request,
    listed_vacancy,
    log_in_as,
    postcode,
)

from .properties import Fuzz

settings.register_profile(
    "brugwerk",
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=bool(os.environ.get("CI")),
    print_blob=True,
    # The world is made once per test (a function-scoped fixture) and every example runs in a
    # transaction of its own that is rolled back, so examples cannot see each other's writes.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
settings.register_profile(
    "brugwerk-deep", parent=settings.get_profile("brugwerk"), max_examples=500
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "brugwerk"))


@pytest.fixture
def fuzz(request):
    counter = Fuzz()
    yield counter
    # Read by pytest_terminal_summary in tests/conftest.py (also across xdist workers).
    request.node.user_properties.append(("hypothesis_examples", counter.examples))


def _client(user=None):
    client = Client()
    if user is not None:
        log_in_as(client, user)
    return client


@pytest.fixture
def world(reference_data, db, settings, tmp_path):
    """Someone of every kind, and something of every kind for them to act on.

    A verified regular firm in Tongeren (`employer` owns it) with a published vacancy and
    service request; a verified social enterprise in Tongeren (`provider` owns it) offering a
    service, with an approved voucher of an open programme; a confirmed collaboration between
    the two; a regisseur of Zuidoost-Limburg; a `stranger` in no organisation. `clients` holds
    a logged-in test client for each person, and `anonymous`.
    """
    from companies import collaborations
    from companies.search import index

    settings.MEDIA_ROOT = tmp_path / "media"
    now = timezone.now()
    category = first_service_category()
    firm = OrganisationFactory(name="Drukkerij Peeters", postcode=postcode("3700"), verified_at=now)
    enterprise = SocialEnterpriseFactory(
        name="Groenwerk Tongeren", postcode=postcode("3700"), verified_at=now
    )
    OfferedServiceFactory(organisation=enterprise, category=category)
    index(enterprise)
    index(firm)
    employer = OwnerFactory(organisation=firm, user__name="Erik Employer").user
    provider = OwnerFactory(organisation=enterprise, user__name="Sofie Sociaal").user
    regisseur = StaffFactory(name="Rita Regisseur")
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(regisseur)
    stranger = UserFactory(name="Stan Stranger")
    programme = ProgrammeFactory(name="Kennismakingscheques Zuidoost-Limburg")
    # Another firm's voucher: the employer may still apply for one of its own.
    voucher = VoucherFactory(
        programme=programme, provider=enterprise, category=category, approved=True
    )
    collaborations.record(
        regular=firm,
        social=enterprise,
        role="client",
        category=category,
        started=timezone.localdate() - timedelta(days=400),
        channel="voucher",
        source="voucher",
    )
    return SimpleNamespace(
        category=category,
        firm=firm,
        enterprise=enterprise,
        employer=employer,
        provider=provider,
        regisseur=regisseur,
        stranger=stranger,
        programme=programme,
        voucher=voucher,
        vacancy=listed_vacancy(organisation=firm, code="3700", supports=["mentor"]),
        service_request=listed_request(organisation=firm, code="3700"),
        clients=SimpleNamespace(
            anonymous=_client(),
            employer=_client(employer),
            provider=_client(provider),
            regisseur=_client(regisseur),
            stranger=_client(stranger),
        ),
    )
