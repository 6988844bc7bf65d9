"""Demo network events (issue 22, item 6): one that has happened and one open for registration.

The past event, a netwerkmoment of Zuidoost-Limburg in Tongeren some eight months ago, shows the
whole way from sign-up to lasting collaboration: thirteen organisations registered (one more
cancelled), the regisseur ticked who came, meetings were accepted and held (one declined, one
cancelled, one not held because a side stayed away), five deals entered the register with channel
"network event" (four confirmed by both sides, one waiting for Groenwerk Haspengouw, the demo
enterprise, to confirm), and the sides answered the 3- and 6-month questions: some carried out,
one not. The demo employer (Verpakkingen Dender) and the demo enterprise met there too without
recording a deal yet, so that a visitor can record one and confirm it. The regular sides of the
confirmed deals are four organisations, so that report i shows its deal figures in public.

The upcoming event, a kennismakingsbeurs of the Denderstreek in Aalst in a few weeks, is open for
registration with meeting slots; the demo enterprise is registered, the demo employer is not (a
visitor can register and ask Groenwerk Haspengouw for a meeting, which the enterprise accepts).

Where the rows come from. The upcoming event's steps go through the modules: the demo
enterprise registers through events.registration, the regisseur places meetings through
events.meetings. The past event's rows are written directly, because the modules refuse what
the past needs or cannot date it: registering and requesting or answering meetings act for a
member of the organisation (only the two demo organisations have members; the others are
listings), they stamp today's time on every row (created_at, answered_at) and email each step.
Attendance goes through events.attendance (it allows a day after the event). The deals are
written as events.deals.record would write them (a declaration with channel "network event" and
source "event", started on the day of the agreement) but dated on the event's day, and their
follow-ups as events.deals.answer would, dated when each period was asked, because the
follow-ups count from the day a deal was recorded.

Idempotent: every row is found again by its natural key (the event's slug, the organisation,
the pair that met, the deal's meeting, the side and period of an answer); dates follow today.
"""

from datetime import datetime, time, timedelta
from typing import NamedTuple

from django.utils import timezone

from companies.demo import ORGANISATIONS as DEMO_ORGANISATIONS
from companies.demo import demo_enterprise_number
from companies.models import (
    Collaboration,
    CollaborationChannel,
    CollaborationRole,
    CollaborationSource,
    Membership,
    Organisation,
)
from portal.models import Postcode, Region, ServiceCategory, User

from . import attendance, deals, meetings, registration
from .models import (
    BOOKED,
    Attendee,
    Deal,
    DealFollowUp,
    Event,
    EventAudience,
    EventKind,
    Meeting,
    MeetingSeat,
    MeetingStatus,
    Registration,
    RegistrationStatus,
)

PAST_SLUG = "netwerkmoment-sociale-economie-tongeren"
UPCOMING_SLUG = "kennismakingsbeurs-sociale-economie-denderstreek"
# Eight months ago: the 3- and 6-month follow-ups of its deals have been asked.
PAST_DAYS_AGO = 240
UPCOMING_IN_DAYS = 24

EMPLOYER = "Verpakkingen Dender"  # werkgever@brugwerk.test
ENTERPRISE = "Groenwerk Haspengouw"  # sociaal@brugwerk.test

S = RegistrationStatus
M = MeetingStatus


class Participant(NamedTuple):
    organisation: str
    offers: str
    seeks: str
    offered: tuple = ()  # service category slugs
    sought: tuple = ()
    status: str = S.REGISTERED
    attended: bool = True
    listed: bool = True


PAST_PARTICIPANTS = [
    Participant(
        "Hotel De Mergel",
        "Zalen voor seminaries en een vaste klant voor wie groen, was en catering levert.",
        "Een partner voor het meubilair van de kamers die we renoveren; strijkwerk van "
        "tafellinnen.",
        sought=("hergebruik-kringwinkel", "was-strijk-naaiwerk"),
    ),
    Participant(
        EMPLOYER,
        "Kartonnen verpakkingen voor de voeding; opdrachten voor assemblage en ompakken.",
        "Een partner voor ompakken in piekperiodes en voor het groen rond de fabriek.",
        sought=("verpakking-assemblage", "groenonderhoud"),
    ),
    Participant(
        "Bakkerij Mergelland",
        "Broodjes en gebak voor recepties.",
        "Onderhoud van onze vijf bakfietsen voor de leveringen.",
        sought=("fietsherstel",),
    ),
    Participant(
        "Stad Bilzen-Hoeselt",
        "Overheidsopdrachten met sociale clausules.",
        "Maaien en snoeien langs wandelpaden en op begraafplaatsen.",
        sought=("groenonderhoud",),
    ),
    Participant(
        "Schrijnwerkerij Jekerdal",
        "Maatwerk in hout; restafval voor hergebruik.",
        "Groenonderhoud van ons bedrijfsterrein.",
        sought=("groenonderhoud",),
    ),
    Participant(
        "Fruitbedrijf Voerstreek",
        "Seizoenswerk in de boomgaarden.",
        "Een ploeg voor het snoeien in de winter.",
        sought=("land-tuinbouw",),
        attended=False,
    ),
    Participant(
        "Basisschool De Linde",
        "Een moestuin voor projecten met buurtbewoners.",
        "Onderhoud van de speelplaats en de moestuin.",
        sought=("groenonderhoud",),
    ),
    Participant(
        ENTERPRISE,
        "Groenonderhoud van bedrijfsterreinen, scholen en gemeenten, in heel Haspengouw.",
        "Vaste opdrachtgevers voor het onderhoud het hele jaar door.",
        offered=("groenonderhoud", "land-tuinbouw"),
    ),
    Participant(
        "Maatwerk Maasland",
        "Verpakking en assemblage in reeksen, opslag en groenonderhoud.",
        "Opdrachtgevers met werk het hele jaar door.",
        offered=("verpakking-assemblage", "logistiek-opslag"),
    ),
    Participant(
        "Fietspunt Bilzen-Hoeselt",
        "Herstelling en onderhoud van fietsen en bakfietsen, ook op locatie.",
        "Bedrijven met een fietsenvloot.",
        offered=("fietsherstel",),
    ),
    Participant(
        "De Groene Kans",
        "Maaien, snoeien en onderhoud van wandelpaden.",
        "Gemeenten en bedrijven voor werkervaringsplaatsen.",
        offered=("groenonderhoud", "klusjes-onderhoud"),
    ),
    Participant(
        "Tuinploeg Riemst",
        "Onderhoud van pleinen en bedrijfstuinen in de Jekervallei.",
        "Opdrachten dicht bij Riemst.",
        offered=("groenonderhoud",),
    ),
    Participant(
        "Kringwinkel Limburg Zuid",
        "Ophaling van meubels en huisraad; verkoop van tweedehands.",
        "Bedrijven die meubilair of inrichting afschrijven.",
        offered=("hergebruik-kringwinkel", "verhuis-transport"),
    ),
    Participant(
        "Atelier Hasselt Arbeidszorg",
        "Paletten en tuinmeubelen uit hout.",
        "Kleine verpakkingsopdrachten.",
        offered=("houtbewerking",),
        status=S.CANCELLED,
        attended=None,
    ),
]


class PastMeeting(NamedTuple):
    requester: str
    invitee: str
    slot: int
    table: int
    status: str = M.ACCEPTED


PAST_MEETINGS = [
    # They work together already (companies/demo.py): held, no new deal.
    PastMeeting("Hotel De Mergel", ENTERPRISE, 0, 1),
    PastMeeting(EMPLOYER, "Maatwerk Maasland", 0, 2),
    PastMeeting("Bakkerij Mergelland", "Fietspunt Bilzen-Hoeselt", 0, 3),
    PastMeeting("De Groene Kans", "Stad Bilzen-Hoeselt", 1, 1),
    PastMeeting("Schrijnwerkerij Jekerdal", ENTERPRISE, 1, 2),
    # Accepted, but the fruit farm stayed away: not held.
    PastMeeting("Fruitbedrijf Voerstreek", "Tuinploeg Riemst", 1, 3),
    # The demo employer and enterprise met; no deal is recorded yet (a visitor can).
    PastMeeting(EMPLOYER, ENTERPRISE, 2, 1),
    PastMeeting("Basisschool De Linde", "Tuinploeg Riemst", 2, 2, M.DECLINED),
    PastMeeting("Kringwinkel Limburg Zuid", "Hotel De Mergel", 2, 3),
    PastMeeting("Hotel De Mergel", "Tuinploeg Riemst", 3, 1, M.CANCELLED),
]


class PastDeal(NamedTuple):
    regular: str
    social: str
    category: str
    what: str
    start_after_days: int
    # Who recorded it ("regular" or "social"), and whether the other side confirmed it.
    recorded_by: str = "regular"
    confirmed: bool = True
    # {months: (regular's answer, social's answer)}; None: that side did not answer.
    answers: dict = {}  # noqa: RUF012 (a NamedTuple's default, never changed)


PAST_DEALS = [
    PastDeal(
        "Hotel De Mergel",
        "Kringwinkel Limburg Zuid",
        "hergebruik-kringwinkel",
        "Ophalen en verkopen van het meubilair van twintig kamers bij de renovatie van het hotel.",
        14,
        answers={3: (True, True), 6: (True, True)},
    ),
    PastDeal(
        EMPLOYER,
        "Maatwerk Maasland",
        "verpakking-assemblage",
        "Ompakken van geschenkdozen in de drukke weken voor de feestdagen, proefreeks in de lente.",
        21,
        answers={3: (True, True), 6: (True, None)},
    ),
    PastDeal(
        "Bakkerij Mergelland",
        "Fietspunt Bilzen-Hoeselt",
        "fietsherstel",
        "Maandelijks onderhoud van de vijf bakfietsen aan de bakkerij.",
        7,
        recorded_by="social",
        answers={3: (False, False), 6: (None, False)},
    ),
    PastDeal(
        "Stad Bilzen-Hoeselt",
        "De Groene Kans",
        "groenonderhoud",
        "Maaien en snoeien langs de wandelpaden van Bilzen-Hoeselt, met twee "
        "werkervaringsplaatsen.",
        30,
        recorded_by="social",
        answers={3: (None, True)},
    ),
    PastDeal(
        "Schrijnwerkerij Jekerdal",
        ENTERPRISE,
        "groenonderhoud",
        "Aanleg en onderhoud van de groenstrook rond de werkplaats.",
        10,
        confirmed=False,
    ),
]


UPCOMING_PARTICIPANTS = [
    Participant(
        "Denderwerk",
        "Verpakking, schoonmaak en een bedrijfsrestaurant voor uw personeel.",
        "Bedrijven met verpakkingswerk of schoonmaak het hele jaar door.",
        offered=("verpakking-assemblage", "schoonmaak", "catering"),
    ),
    Participant(
        "Kringwinkel Denderland",
        "Ophaling en verhuis; hergebruik van afgeschreven meubilair.",
        "Bedrijven die verhuizen of hun kantoren opnieuw inrichten.",
        offered=("hergebruik-kringwinkel", "verhuis-transport"),
    ),
    Participant(
        "Sociaal Restaurant De Keukenbrug",
        "Broodjeslunches, recepties en catering voor bedrijfsfeesten.",
        "Vaste klanten voor lunches op het werk.",
        offered=("catering", "evenementen-horeca"),
    ),
    Participant(
        "Groendienst Lede vzw",
        "Groenonderhoud in Lede en Erpe-Mere.",
        "Opdrachten dicht bij huis.",
        offered=("groenonderhoud",),
        listed=False,
    ),
    Participant(
        "Drukkerij Haaltert",
        "Drukwerk van brochures en verpakkingen.",
        "Een partner voor het plooien, inpakken en verzenden van mailings.",
        sought=("verpakking-assemblage", "drukwerk-mailing"),
    ),
    Participant(
        "Transport Erpe-Mere",
        "Koel- en vriestransport; ruimte in onze loods.",
        "Ophaling van afgeschreven kantoormeubilair; schoonmaak van de kantine.",
        sought=("hergebruik-kringwinkel", "schoonmaak"),
    ),
    Participant(
        "OCMW Ninove",
        "Opdrachten met sociale clausules; trajecten naar werk.",
        "Catering voor onze opleidingsdagen.",
        sought=("catering",),
    ),
]

# The regisseur placed these (requester, invitee, slot, table); one is only requested.
UPCOMING_PLACED = [
    ("Drukkerij Haaltert", "Denderwerk", 0, 1),
    ("Transport Erpe-Mere", "Kringwinkel Denderland", 1, 1),
]
UPCOMING_REQUESTED = [("OCMW Ninove", "Sociaal Restaurant De Keukenbrug", 2, 1)]


def _moment(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _organisations():
    numbers = {demo.name: demo_enterprise_number(i) for i, demo in enumerate(DEMO_ORGANISATIONS, 1)}
    by_number = Organisation.objects.in_bulk(numbers.values(), field_name="enterprise_number")
    return {name: by_number[number] for name, number in numbers.items()}


def _event(slug, *, day, region, regisseur, **fields):
    starts_at = _moment(day, 14)
    event, _created = Event.objects.update_or_create(
        slug=slug,
        defaults={
            "region": region,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=4),
            "registration_deadline": starts_at - timedelta(days=3),
            "meetings_from": time(14, 30),
            "meetings_until": time(17),
            "slot_minutes": 15,
            "people_per_registration": 2,
            "published": True,
            "cancelled_at": None,
            "created_by": regisseur,
            **fields,
        },
    )
    return event


def _person(organisation, members):
    """(name, email, user) of who comes for an organisation: its demo member, or a guest."""
    user = members.get(organisation.pk)
    if user is not None:
        return user.name, user.email, user
    return f"Contact {organisation.name}", organisation.email, None


def _registration(event, participant, *, organisation, categories, members, registered_at):
    """A registration written as events.registration.register would, dated `registered_at`."""
    name, email, user = _person(organisation, members)
    # The active one (the constraint allows one), else the one written before.
    written = Registration.objects.filter(event=event, organisation=organisation)
    found = registration.active_registration(event, organisation) or written.order_by("pk").first()
    fields = {
        "status": participant.status,
        "registered_by": user,
        "offers": participant.offers,
        "seeks": participant.seeks,
        "listed": participant.listed,
        "cancelled_at": registered_at + timedelta(days=5)
        if participant.status == S.CANCELLED
        else None,
    }
    if found is None:
        found = Registration.objects.create(event=event, organisation=organisation, **fields)
    else:
        Registration.objects.filter(pk=found.pk).update(**fields)
    Registration.objects.filter(pk=found.pk).update(created_at=registered_at)
    found.offered_categories.set([categories[slug] for slug in participant.offered])
    found.sought_categories.set([categories[slug] for slug in participant.sought])
    Attendee.objects.update_or_create(
        registration=found, email=email, defaults={"name": name, "user": user}
    )
    return found


def _meeting(event, *, requester, invitee, starts_at, table, status, answered_at):
    """A meeting and its two seats, written as events.meetings would leave them."""
    meeting, _created = Meeting.objects.update_or_create(
        event=event,
        requester=requester,
        invitee=invitee,
        defaults={
            "starts_at": starts_at,
            "table": table,
            "status": status,
            "answered_at": answered_at if status != M.REQUESTED else None,
            "held": None,
        },
    )
    for side in (requester, invitee):
        MeetingSeat.objects.update_or_create(
            meeting=meeting,
            registration=side,
            defaults={"starts_at": starts_at, "active": status in BOOKED},
        )
    return meeting


def _deal(spec, *, event, meeting, organisations, categories, members):
    """A deal as events.deals.record writes it (a declaration by the recording side with
    channel "network event" and source "event"), recorded on the event's day."""
    regular, social = organisations[spec.regular], organisations[spec.social]
    day = timezone.localtime(event.starts_at).date()
    recorded_at = event.ends_at - timedelta(minutes=30)
    category = categories[spec.category]
    side = spec.recorded_by
    other = "social" if side == "regular" else "regular"
    recorder = members.get((regular if side == "regular" else social).pk)
    deal = Deal.objects.filter(meeting=meeting).select_related("collaboration").first()
    collaboration = deal.collaboration if deal else None
    fields = {
        "role": CollaborationRole.CLIENT,
        "category": category,
        "started": day,
        "channel": CollaborationChannel.NETWORK_EVENT,
        "source": CollaborationSource.EVENT,
        "declared_by": recorder,
        f"confirmed_by_{side}_at": recorded_at,
        f"confirmed_by_{other}_at": recorded_at + timedelta(days=3) if spec.confirmed else None,
        "ended": None,
        "disputed_at": None,
    }
    if collaboration is None:
        collaboration, _created = Collaboration.objects.update_or_create(
            regular=regular,
            social=social,
            role=fields.pop("role"),
            category=fields.pop("category"),
            started=fields.pop("started"),
            defaults=fields,
        )
    else:
        Collaboration.objects.filter(pk=collaboration.pk).update(**fields)
    deal_fields = {
        "event": event,
        "collaboration": collaboration,
        "regular": regular,
        "social": social,
        "what": spec.what,
        "role": CollaborationRole.CLIENT,
        "category": category,
        "expected_start": day + timedelta(days=spec.start_after_days),
        "recorded_by": recorder,
    }
    if deal is None:
        deal = Deal.objects.create(meeting=meeting, **deal_fields)
    else:
        Deal.objects.filter(pk=deal.pk).update(**deal_fields)
        deal.refresh_from_db()
    Deal.objects.filter(pk=deal.pk).update(created_at=recorded_at)
    deal.created_at = recorded_at
    for months, (regular_answer, social_answer) in spec.answers.items():
        asked_on = deals.due_on(deal, months)
        for organisation, answer in ((regular, regular_answer), (social, social_answer)):
            if answer is None:
                continue
            follow_up, _created = DealFollowUp.objects.update_or_create(
                deal=deal,
                months=months,
                organisation=organisation,
                defaults={"carried_out": answer, "answered_by": members.get(organisation.pk)},
            )
            DealFollowUp.objects.filter(pk=follow_up.pk).update(
                answered_at=_moment(asked_on + timedelta(days=2), 10)
            )
    return deal


def _seed_past(*, region, regisseur, organisations, categories, members, today):
    day = today - timedelta(days=PAST_DAYS_AGO)
    event = _event(
        PAST_SLUG,
        day=day,
        region=region,
        regisseur=regisseur,
        title="Netwerkmoment sociale economie Zuidoost-Limburg",
        kind=EventKind.NETWORKING,
        description=(
            "Werkgevers, besturen en sociale ondernemingen uit Zuidoost-Limburg leren elkaar "
            "kennen in korte gesprekken van een kwartier. De regie stelde de nieuwe cheques "
            "voor en sloot af met een drankje."
        ),
        online=False,
        address="Grote Markt 18 (Hotel De Mergel, zaal Ambiorix)",
        postcode=Postcode.objects.get(code="3700"),
        online_url="",
        capacity=30,
        audience=EventAudience.ALL,
        sector=None,
        category=None,
        tables=6,
    )
    registrations = {}
    for number, participant in enumerate(PAST_PARTICIPANTS):
        registrations[participant.organisation] = _registration(
            event,
            participant,
            organisation=organisations[participant.organisation],
            categories=categories,
            members=members,
            registered_at=_moment(day - timedelta(days=30 - number), 9 + number % 8),
        )
    slots = event.slots()
    met = {}
    for spec in PAST_MEETINGS:
        met[(spec.requester, spec.invitee)] = _meeting(
            event,
            requester=registrations[spec.requester],
            invitee=registrations[spec.invitee],
            starts_at=slots[spec.slot],
            table=spec.table,
            status=spec.status,
            answered_at=_moment(day - timedelta(days=4), 11),
        )
    # The regisseur ticked who came on the sign-in list after the event.
    attendance.mark(
        event,
        attended=[
            registrations[participant.organisation].pk
            for participant in PAST_PARTICIPANTS
            if participant.status == S.REGISTERED and participant.attended
        ],
        by=regisseur,
        now=event.ends_at,
    )
    for spec in PAST_DEALS:
        meeting = met.get((spec.regular, spec.social)) or met[(spec.social, spec.regular)]
        _deal(
            spec,
            event=event,
            meeting=meeting,
            organisations=organisations,
            categories=categories,
            members=members,
        )
    return event


def _seed_upcoming(*, region, regisseur, organisations, categories, members, today):
    day = today + timedelta(days=UPCOMING_IN_DAYS)
    event = _event(
        UPCOMING_SLUG,
        day=day,
        region=region,
        regisseur=regisseur,
        title="Kennismakingsbeurs sociale economie Denderstreek",
        kind=EventKind.FAIR,
        description=(
            "Sociale ondernemingen uit de Denderstreek tonen wat ze doen: verpakking, "
            "schoonmaak, catering, groen en hergebruik. Boek vooraf gesprekken van een "
            "kwartier met wie je wilt leren kennen; de regie helpt je op weg met de "
            "cheques voor een eerste opdracht."
        ),
        online=False,
        address="Werfplein 1 (Stedelijke Feestzaal)",
        postcode=Postcode.objects.get(code="9300"),
        online_url="",
        capacity=40,
        audience=EventAudience.ALL,
        sector=None,
        category=None,
        tables=8,
    )
    registrations = {}
    for number, participant in enumerate(UPCOMING_PARTICIPANTS):
        registrations[participant.organisation] = _registration(
            event,
            participant,
            organisation=organisations[participant.organisation],
            categories=categories,
            members=members,
            registered_at=_moment(today - timedelta(days=12 - number), 9 + number),
        )
    # The demo enterprise registered itself, through the module (its confirmation email in the
    # outbox, once).
    enterprise = organisations[ENTERPRISE]
    member = members.get(enterprise.pk)
    found = registration.active_registration(event, enterprise)
    if found is None and member is not None:
        found = registration.register(
            event,
            organisation=enterprise,
            user=member,
            people=[(member.name, member.email)],
            offers="Groenonderhoud van bedrijfsterreinen en scholen; we komen ook in de "
            "Denderstreek.",
            seeks="Vaste opdrachtgevers voor het onderhoud het hele jaar door.",
            offered_categories=[categories["groenonderhoud"], categories["land-tuinbouw"]],
            listed=True,
        )
    slots = event.slots()
    for requester, invitee, slot, table in UPCOMING_PLACED:
        pair = (registrations[requester], registrations[invitee])
        if not Meeting.objects.filter(
            event=event, requester=pair[0], invitee=pair[1], status__in=BOOKED
        ).exists():
            meetings.place(
                event,
                requester=pair[0],
                invitee=pair[1],
                starts_at=slots[slot],
                table=table,
                by=regisseur,
            )
    for requester, invitee, slot, table in UPCOMING_REQUESTED:
        _meeting(
            event,
            requester=registrations[requester],
            invitee=registrations[invitee],
            starts_at=slots[slot],
            table=table,
            status=M.REQUESTED,
            answered_at=None,
        )
    return event


def seed():
    today = timezone.localdate()
    organisations = _organisations()
    categories = ServiceCategory.objects.in_bulk(field_name="slug")
    # The demo logins' organisations (companies/demo.py): their member acts for them.
    members = {
        membership.organisation_id: membership.user
        for membership in Membership.objects.filter(
            user__email__in=["werkgever@brugwerk.test", "sociaal@brugwerk.test"]
        ).select_related("user")
    }
    regions = Region.objects.in_bulk(field_name="slug")
    # The regisseurs the portal's and the vouchers' demos made.
    limburg = User.objects.get(email="regisseur@brugwerk.test")
    dender = User.objects.get(email="regisseur.dender@brugwerk.test")
    _seed_past(
        region=regions["zuidoost-limburg"],
        regisseur=limburg,
        organisations=organisations,
        categories=categories,
        members=members,
        today=today,
    )
    _seed_upcoming(
        region=regions["handel-samen-sociaal"],
        regisseur=dender,
        organisations=organisations,
        categories=categories,
        members=members,
        today=today,
    )
    return []
