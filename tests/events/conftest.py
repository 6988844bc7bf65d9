"""An events world: an upcoming networking event of Zuidoost-Limburg (in Tongeren, for 40
organisations), a firm and a social enterprise in Tongeren with their members (the firm's speaks
Dutch, the enterprise's French), the regisseurs of this region and of another one, an
administrator and a stranger (a user of no organisation).
"""

from types import SimpleNamespace

import pytest

from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    postcode,
    region,
)


@pytest.fixture
def world(reference_data, db):
    firm = OrganisationFactory(name="Drukkerij Peeters", postcode=postcode("3700"))
    social = SocialEnterpriseFactory(name="Groenwerk Tongeren", postcode=postcode("3700"))
    regisseur = StaffFactory(name="Rita Regisseur")
    region().regisseurs.add(regisseur)
    other_regisseur = StaffFactory(name="Vera Vlaams-Brabant")
    region("vlaams-brabant").regisseurs.add(other_regisseur)
    return SimpleNamespace(
        event=EventFactory(title="Netwerkmoment Tongeren", slug="netwerkmoment-tongeren"),
        firm=firm,
        employer=OwnerFactory(
            organisation=firm, user__name="Erik Employer", user__language="nl"
        ).user,
        social=social,
        social_member=MembershipFactory(
            organisation=social, user__name="Sofie Sociaal", user__language="fr"
        ).user,
        regisseur=regisseur,
        other_regisseur=other_regisseur,
        administrator=StaffFactory(name="Ada Admin", is_superuser=True),
        stranger=UserFactory(name="Stan Stranger"),
    )


@pytest.fixture
def register_for(world):
    """Register through events.registration, as the world's employer for the firm unless told."""
    from events import registration

    def register_for(event=None, **changes):
        user = changes.pop("user", world.employer)
        fields = {
            "organisation": world.firm,
            "people": [(user.name, user.email)],
            "offers": "Drukwerk",
            "seeks": "Groenonderhoud",
            "listed": True,
            **changes,
        }
        return registration.register(event or world.event, user=user, **fields)

    return register_for
