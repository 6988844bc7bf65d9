"""A social enterprise lists the services it offers, each with a radius or all of Flanders."""

import pytest

from companies.models import OfferedService
from portal.models import ServiceCategory
from tests.factories import OrganisationFactory, OwnerFactory

pytestmark = pytest.mark.django_db


def url(organisation, rest=""):
    return f"/en/organisations/{organisation.slug}/services/{rest}"


@pytest.fixture
def category(world):
    return ServiceCategory.objects.exclude(pk=world.service.category_id).order_by("position")[0]


def test_a_member_adds_a_service_with_a_radius(client, world, category):
    client.force_login(world.editor)

    response = client.post(
        url(world.organisation),
        {
            "new-category": category.pk,
            "new-description": "Wij verpakken en assembleren.",
            "new-scope": "radius",
            "new-radius_km": "40",
        },
    )

    assert response.status_code == 302
    service = OfferedService.objects.get(organisation=world.organisation, category=category)
    assert (service.description, service.radius_km) == ("Wij verpakken en assembleren.", 40)
    world.organisation.refresh_from_db()
    assert "Wij verpakken en assembleren." in world.organisation.search_text
    assert category.name_nl in world.organisation.search_text


def test_all_of_flanders_stores_no_radius(client, world, category):
    client.force_login(world.editor)

    client.post(
        url(world.organisation),
        {"new-category": category.pk, "new-scope": "flanders", "new-radius_km": "40"},
    )

    assert OfferedService.objects.get(category=category).radius_km is None


@pytest.mark.parametrize(
    ("radius", "message"),
    [
        ("", "Give the distance in km, or choose all of Flanders."),
        ("0", "Ensure this value is greater than or equal to 1."),
        ("1000", "Ensure this value is less than or equal to 300."),
        ("veel", "Enter a whole number."),
    ],
)
def test_a_radius_must_be_a_sensible_distance(client, world, category, radius, message):
    client.force_login(world.editor)

    response = client.post(
        url(world.organisation),
        {"new-category": category.pk, "new-scope": "radius", "new-radius_km": radius},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OfferedService.objects.filter(category=category).exists()


def test_a_category_is_offered_once(client, world):
    client.force_login(world.editor)

    response = client.post(
        url(world.organisation),
        {"new-category": world.service.category_id, "new-scope": "flanders"},
    )

    assert response.status_code == 200
    assert "You already offer" in response.content.decode()
    assert OfferedService.objects.filter(organisation=world.organisation).count() == 1


def test_a_member_changes_a_service(client, world):
    client.force_login(world.owner)
    prefix = f"service-{world.service.pk}"

    response = client.post(
        url(world.organisation, f"{world.service.pk}/"),
        {
            f"{prefix}-category": world.service.category_id,
            f"{prefix}-description": "Nu ook snoeiwerk.",
            f"{prefix}-scope": "radius",
            f"{prefix}-radius_km": "15",
        },
    )

    assert response.status_code == 302
    world.service.refresh_from_db()
    assert (world.service.description, world.service.radius_km) == ("Nu ook snoeiwerk.", 15)
    world.organisation.refresh_from_db()
    assert "Nu ook snoeiwerk." in world.organisation.search_text


def test_a_wrong_change_is_shown_open_with_its_errors(client, world):
    client.force_login(world.owner)
    prefix = f"service-{world.service.pk}"

    response = client.post(
        url(world.organisation, f"{world.service.pk}/"),
        {f"{prefix}-category": world.service.category_id, f"{prefix}-scope": "radius"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Give the distance in km" in page
    assert "<details open>" in page
    world.service.refresh_from_db()
    assert world.service.radius_km == 25


def test_a_member_removes_a_service(client, world):
    client.force_login(world.editor)

    response = client.post(url(world.organisation, f"{world.service.pk}/remove/"))

    assert response.status_code == 302
    assert not OfferedService.objects.filter(pk=world.service.pk).exists()
    world.organisation.refresh_from_db()
    assert world.organisation.search_text == ""


def test_the_page_lists_the_services(client, world):
    client.force_login(world.editor)

    page = client.get(url(world.organisation)).content.decode()

    assert world.service.category.name in page
    assert "Within 25 km of your address" in page


def test_a_regular_firm_has_no_services_page(client, reference_data):
    owner = OwnerFactory(organisation=OrganisationFactory(kind="regular"))
    client.force_login(owner.user)

    response = client.get(url(owner.organisation))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("typed", "stored", "message"),
    [
        ("50.000", "50000.00", None),  # read as every amount: Belgian thousands
        ("€ 125 000,50", "125000.50", None),
        ("", None, None),  # unknown: does not limit (procurement/advice.py)
        ("veel", None, "is not an amount"),
        ("0", None, "above zero"),
        ("-5", None, "above zero"),
    ],
)
def test_the_largest_order_is_optional_and_read_as_an_amount(
    client, world, category, typed, stored, message
):
    """Issue 23, item 6: what the buying helper reads as the service's capacity."""
    client.force_login(world.editor)

    response = client.post(
        url(world.organisation),
        {"new-category": category.pk, "new-scope": "flanders", "new-max_order_amount": typed},
    )

    service = OfferedService.objects.filter(category=category).first()
    if message:
        assert response.status_code == 200 and service is None
        assert message in response.content.decode()
    else:
        assert response.status_code == 302
        assert (None if service.max_order_amount is None else str(service.max_order_amount)) == (
            stored
        )
