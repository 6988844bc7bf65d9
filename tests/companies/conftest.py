"""People around one organisation, for the tests of onboarding, profiles and members.

The organisation lies in Tongeren (3700), in the region Zuidoost-Limburg; `regisseur` looks after
that region, `other_regisseur` after Vlaams-Brabant. Neither is a member.
"""

from types import SimpleNamespace

import pytest

from portal.models import Region
from tests.factories import (
    InvitationFactory,
    JoinRequestFactory,
    MembershipFactory,
    OfferedServiceFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    postcode,
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(reference_data, db, media):
    organisation = SocialEnterpriseFactory(name="Groenwerk Tongeren", postcode=postcode("3700"))
    owner = OwnerFactory(organisation=organisation, user__name="Olga Owner").user
    editor = MembershipFactory(organisation=organisation, user__name="Eddy Editor").user
    colleague = MembershipFactory(organisation=organisation, user__name="Cora Colleague")
    regisseur = StaffFactory(name="Rita Regisseur")
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(regisseur)
    other_regisseur = StaffFactory(name="Vera Vlaams-Brabant")
    Region.objects.get(slug="vlaams-brabant").regisseurs.add(other_regisseur)
    return SimpleNamespace(
        organisation=organisation,
        owner=owner,
        editor=editor,
        colleague=colleague,
        stranger=UserFactory(name="Stan Stranger"),
        regisseur=regisseur,
        other_regisseur=other_regisseur,
        administrator=StaffFactory(name="Ada Admin", is_superuser=True),
        service=OfferedServiceFactory(organisation=organisation),
        join_request=JoinRequestFactory(organisation=organisation),
        invitation=InvitationFactory(organisation=organisation, invited_by=owner),
    )


@pytest.fixture
def other_world(world):
    """A second organisation with its own owner, member, service, request and invitation."""
    organisation = SocialEnterpriseFactory(name="Kringwinkel Elders", postcode=postcode("3000"))
    return SimpleNamespace(
        organisation=organisation,
        owner=OwnerFactory(organisation=organisation).user,
        membership=MembershipFactory(organisation=organisation),
        service=OfferedServiceFactory(organisation=organisation),
        join_request=JoinRequestFactory(organisation=organisation),
        invitation=InvitationFactory(organisation=organisation),
    )


def profile_data(organisation, **changes):
    """The edit form's fields for an organisation as it is, with some changed."""
    data = {
        "kind": organisation.kind,
        "name": organisation.name,
        "enterprise_number": organisation.enterprise_number,
        "street": organisation.street,
        "postcode": organisation.postcode.code,
        "size": organisation.size,
        "description": organisation.description,
        "website": organisation.website,
        "email": organisation.email,
        "phone": organisation.phone,
        "show_collaborations": "on" if organisation.show_collaborations else "",
        **{
            name: "on" if getattr(organisation, name) else ""
            for name in ("show_address", "show_phone", "show_email", "show_website")
        },
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
