"""A meeting world for the tests of events/meetings.py and its pages: make_world(), which each
test file's `world` fixture returns.

A networking event of Zuidoost-Limburg in two weeks with ten 15-minute slots from 14:30 and ten
tables. Registered for it: a regular firm (its member writes in Dutch) that seeks what the social
enterprise offers, the social enterprise (its member writes in French), a third firm that offers
something else, and a spare firm with nothing on offer. A firm on the waiting list; the
regisseurs of this region and of another one, an administrator, a stranger, and a member of an
organisation that is not registered.
"""

from types import SimpleNamespace

from portal.models import ServiceCategory
from tests.factories import (
    EventFactory,
    MembershipFactory,
    RegistrationFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    postcode,
    region,
)


def _registration(event, name, *, language="nl", **fields):
    if "organisation" not in fields:
        fields["organisation__name"] = name
    registration = RegistrationFactory(event=event, **fields)
    member = registration.registered_by
    member.name, member.language = f"Lid van {name}", language
    member.save()
    return registration, member


def make_world():
    categories = list(ServiceCategory.objects.order_by("position")[:3])
    event = EventFactory(title="Netwerkmoment Tongeren")
    firm, employer = _registration(event, "Drukkerij Peeters")
    social, social_member = _registration(
        event,
        "Groenwerk Tongeren",
        language="fr",
        organisation=SocialEnterpriseFactory(name="Groenwerk Tongeren", postcode=postcode("3700")),
    )
    third, third_member = _registration(event, "Bakkerij Janssens")
    spare, spare_member = _registration(event, "Schrijnwerkerij Spare")
    waiting, waiting_member = _registration(event, "Garage Wachtrij", status="waiting")
    firm.sought_categories.set(categories[:2])
    social.offered_categories.set(categories[:2])
    third.offered_categories.set(categories[2:])
    regisseur = StaffFactory(name="Rita Regisseur")
    region().regisseurs.add(regisseur)
    other_regisseur = StaffFactory(name="Vera Vlaams-Brabant")
    region("vlaams-brabant").regisseurs.add(other_regisseur)
    return SimpleNamespace(
        event=event,
        slots=event.slots(),
        firm=firm,
        employer=employer,
        social=social,
        social_member=social_member,
        third=third,
        third_member=third_member,
        spare=spare,
        spare_member=spare_member,
        waiting=waiting,
        waiting_member=waiting_member,
        regisseur=regisseur,
        other_regisseur=other_regisseur,
        administrator=StaffFactory(name="Ada Admin", is_superuser=True),
        stranger=UserFactory(name="Stan Stranger"),
        other_member=MembershipFactory(user__name="Otto Ander").user,
    )
