import io

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook

from companies.models import OfferedService
from portal.models import ServiceCategory
from tests.factories import MembershipFactory, OrganisationFactory, listed_organisation, postcode


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are asserted in English (tests/conftest.py starts every test in Dutch);
    test_translations.py checks the Dutch and French ones."""
    translation.activate("en")
    yield
    translation.activate("nl")


HEADER = ["subject", "cpv", "category", "postcode", "amount", "period"]


def csv_bytes(rows, *, header=HEADER, separator=";", encoding="utf-8"):
    text = "\n".join(separator.join(row) for row in [header, *rows]) + "\n"
    return text.encode(encoding)


def xlsx_bytes(rows, *, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def enterprise(recognition="maatwerkbedrijf", *, code="3500", slug="groenonderhoud", radius=25):
    organisation = listed_organisation(
        recognitions=[recognition] if recognition else [],
        code=code,
        verified_at=timezone.now(),
        email="info@groen.example",
    )
    OfferedService.objects.create(
        organisation=organisation,
        category=ServiceCategory.objects.get(slug=slug),
        radius_km=radius,
    )
    return organisation


@pytest.fixture
def school(reference_data):
    return OrganisationFactory(kind="school", name="Atheneum Hasselt", postcode=postcode("3500"))


@pytest.fixture
def teacher(school):
    return MembershipFactory(organisation=school).user


@pytest.fixture
def three_gardeners(reference_data):
    return [enterprise() for _ in range(3)]
