from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from companies.models import Membership, OfferedService, Organisation, OrganisationKind
from portal.models import Region, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def seed():
    output = StringIO()
    call_command("seed_demo", stdout=output)
    return output.getvalue()


def test_seed_demo_creates_a_login_per_role_and_prints_them(reference_data, debug):
    output = seed()

    for email in [
        "admin@brugwerk.test",
        "regisseur@brugwerk.test",
        "werkgever@brugwerk.test",
        "sociaal@brugwerk.test",
    ]:
        assert email in output
        assert EmailAddress.objects.get(email=email).verified
    assert User.objects.get(email="admin@brugwerk.test").is_superuser
    regisseur = User.objects.get(email="regisseur@brugwerk.test")
    assert regisseur.is_staff
    assert list(regisseur.regions.all()) == [Region.objects.get(slug="zuidoost-limburg")]
    assert Membership.objects.filter(
        user__email="werkgever@brugwerk.test"
    ).get().organisation.kind == (OrganisationKind.REGULAR)
    assert (
        Membership.objects.filter(user__email="sociaal@brugwerk.test").get().organisation.is_social
    )


def test_seed_demo_spreads_organisations_of_every_kind_over_the_regions(reference_data, debug):
    seed()

    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrganisationKind.values)
    for region in Region.objects.all():
        assert Organisation.objects.filter(municipality__regions=region).exists(), region
    assert OfferedService.objects.filter(organisation__kind=OrganisationKind.SOCIAL).exists()


def test_seed_demo_is_idempotent(reference_data, debug):
    seed()
    counts = (User.objects.count(), Organisation.objects.count(), OfferedService.objects.count())

    seed()

    assert counts == (
        User.objects.count(),
        Organisation.objects.count(),
        OfferedService.objects.count(),
    )


def test_seed_demo_refuses_to_run_without_debug(reference_data, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only runs with DJANGO_DEBUG=true"):
        seed()
    assert not User.objects.exists()


def test_every_demo_listing_can_be_reached(reference_data, debug):
    """A visitor reaches each listed organisation: a phone, email or website it publishes, its
    members through the contact form, or for a listing nobody holds the regie's address."""
    from companies import contact

    seed()

    unreachable = [
        organisation.name
        for organisation in Organisation.objects.select_related("municipality")
        if not (
            organisation.public_phone or organisation.public_email or organisation.public_website
        )
        and contact.route(organisation)[0] is None
    ]
    assert unreachable == []
    assert Organisation.objects.filter(source__gt="").exists()
