"""A small made-up event that has happened, for the tests of what came of it (deals,
follow-ups, attendance, the reports): Netwerkmoment Tongeren yesterday, in Zuidoost-Limburg, with a
regular firm and a social enterprise that met (an accepted meeting), the people who may and may
not act (members of each side, a member of another organisation, the regisseurs of the region
and of another, an administrator)."""

from types import SimpleNamespace

import pytest

from events.models import Meeting, MeetingSeat, MeetingStatus
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    at,
    first_service_category,
    in_days,
    postcode,
    region,
)


def meet(event, one, other, *, slot=0, table=1, status=MeetingStatus.ACCEPTED):
    """A meeting of two registrations in the event's slot number `slot`, with its seats."""
    starts_at = event.slots()[slot]
    meeting = Meeting.objects.create(
        event=event, requester=one, invitee=other, starts_at=starts_at, table=table, status=status
    )
    for side in (one, other):
        MeetingSeat.objects.create(meeting=meeting, registration=side, starts_at=starts_at)
    return meeting


@pytest.fixture
def met(reference_data, db):
    event = EventFactory(title="Netwerkmoment Tongeren", starts_at=at(in_days(-1), 14))
    firm = RegistrationFactory(
        event=event,
        organisation=OrganisationFactory(name="Drukkerij Peeters", postcode=postcode("3700")),
    )
    enterprise = RegistrationFactory(
        event=event,
        organisation=SocialEnterpriseFactory(name="Groenwerk Tongeren", postcode=postcode("3700")),
    )
    regisseur = StaffFactory(name="Rita Regisseur")
    region().regisseurs.add(regisseur)
    other_regisseur = StaffFactory(name="Vera Vlaams-Brabant")
    region("vlaams-brabant").regisseurs.add(other_regisseur)
    return SimpleNamespace(
        event=event,
        firm=firm,
        enterprise=enterprise,
        meeting=meet(event, firm, enterprise),
        firm_member=firm.registered_by,
        enterprise_member=enterprise.registered_by,
        category=first_service_category(),
        stranger=MembershipFactory(organisation=OrganisationFactory(name="Bakkerij Elders")).user,
        nobody=UserFactory(name="Stan Stranger"),
        regisseur=regisseur,
        other_regisseur=other_regisseur,
        administrator=StaffFactory(name="Ada Admin", is_superuser=True),
    )
