"""Regisseurs verify the organisations of their regions in the admin; administrators anywhere."""

import pytest
from django.utils import timezone

from companies.models import Membership, Organisation
from portal.models import Region
from tests.factories import OrganisationFactory, StaffFactory, log_in_as, postcode

pytestmark = pytest.mark.django_db

CHANGELIST = "/en/admin/companies/organisation/"


@pytest.fixture
def organisations(reference_data):
    return {
        "mine": OrganisationFactory(name="Ongecontroleerd Tongeren", postcode=postcode("3700")),
        "mine_verified": OrganisationFactory(
            name="Gecontroleerd Tongeren", postcode=postcode("3700"), verified_at=timezone.now()
        ),
        "elsewhere": OrganisationFactory(name="Ongecontroleerd Gent", postcode=postcode("9000")),
    }


@pytest.fixture
def regisseur(reference_data):
    user = StaffFactory()
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(user)
    return user


def listed(response):
    return {organisation.name for organisation in response.context["cl"].result_list}


def test_the_filter_lists_the_unverified_organisations_of_my_regions(
    client, organisations, regisseur
):
    log_in_as(client, regisseur)

    response = client.get(CHANGELIST, {"scope": "unverified-mine"})

    assert response.status_code == 200
    assert listed(response) == {"Ongecontroleerd Tongeren"}
    assert "To verify, in my regions" in response.content.decode()


def verify(client, *organisations):
    return client.post(
        CHANGELIST,
        {"action": "verify", "_selected_action": [o.pk for o in organisations]},
        follow=True,
    )


def test_a_regisseur_verifies_in_their_regions_and_is_refused_elsewhere(
    client, organisations, regisseur
):
    log_in_as(client, regisseur)

    response = verify(client, organisations["mine"], organisations["elsewhere"])

    page = response.content.decode()
    mine = Organisation.objects.get(pk=organisations["mine"].pk)
    assert mine.is_verified
    assert mine.verified_by == regisseur
    assert not Organisation.objects.get(pk=organisations["elsewhere"].pk).is_verified
    assert "1 organisation verified." in page
    assert "1 organisation lies outside your regions and was not verified." in page


def test_an_administrator_verifies_anywhere(client, organisations):
    administrator = StaffFactory(is_superuser=True)
    log_in_as(client, administrator)

    verify(client, organisations["mine"], organisations["elsewhere"])

    assert Organisation.objects.filter(verified_at__isnull=False).count() == 3


def test_a_staff_member_without_regions_sees_no_organisations(client, organisations):
    log_in_as(client, StaffFactory())

    index = client.get("/en/admin/")
    changelist = client.get(CHANGELIST)

    assert "/admin/companies/organisation/" not in index.content.decode()
    assert changelist.status_code == 403


def test_a_regisseur_cannot_change_a_profile_in_the_admin(client, organisations, regisseur):
    organisation = organisations["mine"]
    log_in_as(client, regisseur)

    client.post(
        f"{CHANGELIST}{organisation.pk}/change/",
        {"name": "Door de regisseur hernoemd", "kind": "regular"},
    )

    organisation.refresh_from_db()
    assert organisation.name == "Ongecontroleerd Tongeren"


def test_verifying_tells_the_members_in_their_language(django_capture_on_commit_callbacks):
    from django.core import mail

    from companies import verification
    from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory

    organisation = OrganisationFactory(verified_at=None)
    member = MembershipFactory(organisation=organisation, user__language="fr").user
    admin = StaffFactory(is_superuser=True)

    with django_capture_on_commit_callbacks(execute=True):
        verification.verify(organisation, by=admin)
        verification.verify(organisation, by=admin)  # already verified: no second email

    assert [message.to for message in mail.outbox] == [[member.email]]
    assert organisation.name in mail.outbox[0].subject


def test_a_regisseur_sees_an_organisation_in_the_admin_without_its_people(
    client, organisations, regisseur
):
    # Regisseurs have no model permissions on memberships: the change page of an organisation,
    # in their regions or not, shows no member names or addresses.
    log_in_as(client, regisseur)

    for organisation in (organisations["mine"], organisations["elsewhere"]):
        response = client.get(f"{CHANGELIST}{organisation.pk}/change/")
        assert response.status_code == 200
        shown = {formset.opts.model for formset in response.context["inline_admin_formsets"]}
        assert Membership not in shown
