"""Demo voucher programmes and vouchers in every status, with their history.

Each seeded region gets a programme for last year (closed) and one or two for this year: open
for Zuidoost-Limburg, Handel Samen & Sociaal and Vlaams-Brabant (its autumn round, for a few
services only), opening later for SEVA, and closed for Vlaams-Brabant's spring round. The
applicants and providers are the organisations of companies/demo.py; the demo employer
(werkgever@, Verpakkingen Dender) has an approved voucher and may apply for one more, the demo
social enterprise (sociaal@, Groenwerk Haspengouw) has one to redeem, and a regisseur of Handel
Samen & Sociaal decides on that region's applications.

The rows are written as the lifecycle would have left them (status, amounts, code, dates and a
VoucherEvent per step), dated back so that the story holds; no email is sent. Seeding again
updates the same programmes and vouchers.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone
from django.utils.text import slugify

from companies import collaborations
from companies.demo import ORGANISATIONS, demo_enterprise_number, demo_iban
from companies.models import (
    Collaboration,
    CollaborationChannel,
    CollaborationRole,
    CollaborationSource,
    Membership,
    Organisation,
)
from portal.demo import demo_user
from portal.models import Region, ServiceCategory

from .lifecycle import new_code
from .models import Programme, Voucher, VoucherEvent, VoucherStatus

S = VoucherStatus

TERMS = (
    "De cheque is bedoeld om voor het eerst samen te werken met een sociale onderneming.\n"
    "De cheque dekt de factuur van de geleverde dienst tot de waarde van de cheque; de "
    "onderneming betaalt wat de factuur meer bedraagt.\n"
    "De dienst wordt geleverd binnen de geldigheid van de cheque. De sociale onderneming voert "
    "de code van de cheque in met haar factuur; de regie betaalt haar rechtstreeks.\n"
    "De regie mag een jaar later vragen hoe de samenwerking verder loopt."
)


class DemoProgramme(NamedTuple):
    key: str
    region: str
    name: str
    budget: int
    window: str  # "year" (the whole year), "last_year", "later" (opens soon), "spring", "autumn"
    vouchers_per_firm: int = 1
    value: int = 500
    validity_days: int = 180
    categories: tuple = ()
    description: str = ""


def _programmes(year):
    return [
        DemoProgramme(
            "zol",
            "zuidoost-limburg",
            f"Kennismakingscheques Zuidoost-Limburg {year}",
            15000,
            "year",
            description="Ondernemingen uit Bilzen-Hoeselt, Riemst, Tongeren-Borgloon en Voeren "
            "maken kennis met de sociale economie in hun buurt.",
        ),
        DemoProgramme(
            "zol-last",
            "zuidoost-limburg",
            f"Kennismakingscheques Zuidoost-Limburg {year - 1}",
            12500,
            "last_year",
        ),
        DemoProgramme(
            "hss",
            "handel-samen-sociaal",
            f"Kennismakingscheque Handel Samen & Sociaal {year}",
            10000,
            "year",
            vouchers_per_firm=2,
            description="Voor handelaars en bedrijven uit de Denderstreek die een sociale "
            "onderneming willen leren kennen: twee cheques per onderneming.",
        ),
        DemoProgramme(
            "hss-last",
            "handel-samen-sociaal",
            f"Kennismakingscheque Handel Samen & Sociaal {year - 1}",
            7500,
            "last_year",
        ),
        DemoProgramme(
            "seva",
            "seva",
            f"Proefcheques Vlaamse Ardennen {year}",
            6000,
            "later",
            value=400,
            validity_days=120,
            description="Een nieuwe ronde proefcheques voor ondernemingen in de Vlaamse Ardennen.",
        ),
        DemoProgramme(
            "seva-last",
            "seva",
            f"Proefcheques Vlaamse Ardennen {year - 1}",
            4000,
            "last_year",
            value=400,
            validity_days=120,
        ),
        DemoProgramme(
            "vb-spring",
            "vlaams-brabant",
            f"Voorjaarsronde Vlaams-Brabant {year}",
            2500,
            "spring",
        ),
        DemoProgramme(
            "vb",
            "vlaams-brabant",
            f"Najaarsronde Vlaams-Brabant {year}",
            2000,
            "autumn",
            categories=(
                "digitalisering",
                "verpakking-assemblage",
                "hergebruik-kringwinkel",
                "schoonmaak",
                "catering",
            ),
            description="Een kleine najaarsronde voor vijf diensten waarin sociale ondernemingen "
            "in Vlaams-Brabant nog weinig klanten uit de reguliere economie hebben.",
        ),
        DemoProgramme(
            "vb-last",
            "vlaams-brabant",
            f"Kennismakingscheques Vlaams-Brabant {year - 1}",
            5000,
            "last_year",
        ),
    ]


def _window(kind, today):
    """The application window (opens, closes) and the programme's year."""
    year = today.year
    if kind == "last_year":
        return date(year - 1, 1, 1), date(year - 1, 12, 31), year - 1
    if kind == "later":
        opens = today + timedelta(days=14)
        return opens, opens + timedelta(days=120), opens.year
    if kind == "spring":
        closes = today - timedelta(days=40)
        return closes - timedelta(days=150), closes, closes.year
    if kind == "autumn":
        opens = today - timedelta(days=35)
        return opens, max(date(year, 12, 31), today + timedelta(days=30)), opens.year
    return date(year, 1, 1), max(date(year, 12, 31), today), year


class Cast(NamedTuple):
    """Who acted in the vouchers' history."""

    members: dict  # organisation pk: its demo member (the demo employer and enterprise)
    regisseurs: dict  # region pk: its demo regisseur
    administrator: object  # decides where a region has no demo regisseur


class DemoVoucher(NamedTuple):
    programme: str
    applicant: str
    provider: str
    category: str
    status: str
    # Applied this many days after the window opened (never later than the status allows).
    day: int
    intended_use: str
    invoice: int = 0  # for redeemed and paid vouchers
    note: str = ""  # reason for a rejection, or why it was withdrawn


# Pairs that work together already (companies/demo.py) get no introduction voucher, except where
# that collaboration came from one (it is then the voucher's collaboration).
VOUCHERS = [
    # Zuidoost-Limburg, this year: one to redeem for the demo social enterprise.
    DemoVoucher(
        "zol",
        "Bakkerij Mergelland",
        "Groenwerk Haspengouw",
        "groenonderhoud",
        S.APPROVED,
        300,
        "Snoeien van de hagen en onderhoud van het grasperk rond onze winkel in Riemst.",
    ),
    DemoVoucher(
        "zol",
        "Hotel De Mergel",
        "Kringwinkel Limburg Zuid",
        "hergebruik-kringwinkel",
        S.REDEEMED,
        150,
        "Ophalen van het oude hotelmeubilair (60 stoelen en 30 bedden) voor hergebruik.",
        invoice=430,
    ),
    # Zuidoost-Limburg, last year: the voucher behind a collaboration on the demo profiles.
    DemoVoucher(
        "zol-last",
        "Hotel De Mergel",
        "Groenwerk Haspengouw",
        "groenonderhoud",
        S.PAID,
        60,
        "Een seizoen onderhoud van de binnentuin en de terrassen van het hotel.",
        invoice=650,
    ),
    DemoVoucher(
        "zol-last",
        "Bakkerij Mergelland",
        "Atelier Hasselt Arbeidszorg",
        "houtbewerking",
        S.EXPIRED,
        40,
        "Herstel van de houten broodrekken in onze drie winkels.",
    ),
    # Handel Samen & Sociaal, this year: the demo employer's voucher, and the regisseur's work.
    DemoVoucher(
        "hss",
        "Verpakkingen Dender",
        "Schoonmaakcoöperatie Vlaamse Ardennen",
        "schoonmaak",
        S.APPROVED,
        290,
        "Grondige schoonmaak van de kantoren en de refter na de verbouwing.",
    ),
    DemoVoucher(
        "hss",
        "Drukkerij Haaltert",
        "Fietsatelier Oudenaarde",
        "fietsherstel",
        S.SUBMITTED,
        310,
        "Nazicht en herstelling van de tien bedrijfsfietsen van ons personeel.",
    ),
    DemoVoucher(
        "hss",
        "Transport Erpe-Mere",
        "Schoonmaakcoöperatie Vlaamse Ardennen",
        "schoonmaak",
        S.SUBMITTED,
        315,
        "Grondige schoonmaak van de kantine en de kleedkamers van de chauffeurs.",
    ),
    DemoVoucher(
        "hss",
        "Transport Erpe-Mere",
        "Kringwinkel Denderland",
        "verhuis-transport",
        S.REJECTED,
        200,
        "Verhuis van ons archief naar de nieuwe loods.",
        note="Transport en verhuis van eigen goederen valt buiten deze ronde: de cheque is voor "
        "een eerste opdracht bij een sociale onderneming. Vraag gerust een cheque aan voor "
        "een andere dienst.",
    ),
    DemoVoucher(
        "hss",
        "Drukkerij Haaltert",
        "Naaiatelier Ronse",
        "was-strijk-naaiwerk",
        S.WITHDRAWN,
        120,
        "Omzomen en bedrukken van werkkledij voor onze drukkers.",
        note="We hebben de werkkledij toch bij onze vaste leverancier besteld.",
    ),
    # Handel Samen & Sociaal, last year: the demo employer's first voucher.
    DemoVoucher(
        "hss-last",
        "Verpakkingen Dender",
        "Digitaal Atelier Leuven",
        "digitalisering",
        S.PAID,
        90,
        "Scannen en indexeren van twintig jaar technische fiches van onze verpakkingen.",
        invoice=540,
    ),
    DemoVoucher(
        "hss-last",
        "Drukkerij Haaltert",
        "Denderwerk",
        "catering",
        S.PAID,
        100,
        "Broodjeslunch voor onze klanten op de opendeurdag van de drukkerij.",
        invoice=460,
    ),
    DemoVoucher(
        "hss-last",
        "Transport Erpe-Mere",
        "Sociaal Restaurant De Keukenbrug",
        "catering",
        S.EXPIRED,
        50,
        "Nieuwjaarsreceptie voor onze chauffeurs.",
    ),
    # SEVA, last year.
    DemoVoucher(
        "seva-last",
        "Textiel Brakel",
        "Fietsatelier Oudenaarde",
        "fietsherstel",
        S.PAID,
        100,
        "Onderhoud van de fietsen van de werknemers die met de fiets naar de weverij komen.",
        invoice=380,
    ),
    # Vlaams-Brabant: last year, the closed spring round and the open autumn round.
    DemoVoucher(
        "vb-last",
        "Brouwerij Hagelandse Hop",
        "Digitaal Atelier Leuven",
        "digitalisering",
        S.WITHDRAWN,
        80,
        "Digitaliseren van ons archief met recepten en etiketten.",
        note="Het archief moet eerst nog uitgezocht worden; we vragen later opnieuw.",
    ),
    DemoVoucher(
        "vb-spring",
        "Logistiek Vilvoorde",
        "Digitaal Atelier Leuven",
        "digitalisering",
        S.PAID,
        20,
        "Scannen en indexeren van tien jaar leveringsbonnen.",
        invoice=520,
    ),
    DemoVoucher(
        "vb-spring",
        "Brouwerij Hagelandse Hop",
        "Poetsdienst Halle",
        "schoonmaak",
        S.REDEEMED,
        30,
        "Schoonmaak van de brouwzaal en het proeflokaal na de verbouwing.",
        invoice=475,
    ),
    DemoVoucher(
        "vb",
        "Brouwerij Hagelandse Hop",
        "Digitaal Atelier Leuven",
        "digitalisering",
        S.SUBMITTED,
        25,
        "Digitaliseren van ons uitgezochte archief met recepten en etiketten.",
    ),
    DemoVoucher(
        "vb",
        "Logistiek Vilvoorde",
        "Kringwinkel Hageland",
        "hergebruik-kringwinkel",
        S.APPROVED,
        10,
        "Ophalen van afgeschreven kantoormeubilair voor de kringwinkel.",
    ),
]

# The steps each status went through, after "submitted".
PATHS = {
    S.SUBMITTED: [],
    S.APPROVED: [S.APPROVED],
    S.REJECTED: [S.REJECTED],
    S.REDEEMED: [S.APPROVED, S.REDEEMED],
    S.PAID: [S.APPROVED, S.REDEEMED, S.PAID],
    S.EXPIRED: [S.APPROVED, S.EXPIRED],
    S.WITHDRAWN: [S.APPROVED, S.WITHDRAWN],
}

# Days between the steps: applied -> decided -> delivered -> paid.
DECIDED_AFTER, DELIVERED_AFTER, PAID_AFTER = 6, 21, 14


def _moment(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _seed_programme(demo, *, today, regions, categories):
    opens, closes, year = _window(demo.window, today)
    region = regions[demo.region]
    programme, _ = Programme.objects.update_or_create(
        slug=slugify(demo.name.replace("&", "en")),
        defaults={
            "region": region,
            "name": demo.name,
            "year": year,
            "description": demo.description,
            "budget": Decimal(demo.budget),
            "voucher_value": Decimal(demo.value),
            "vouchers_per_firm": demo.vouchers_per_firm,
            "opens_on": opens,
            "closes_on": closes,
            "validity_days": demo.validity_days,
            "terms": TERMS,
            # The regie's (invented) account: the payouts can be downloaded as a SEPA file.
            "payer_name": f"Regie {region.name}"[:70],
            "payer_iban": demo_iban(900 + region.pk),
        },
    )
    programme.categories.set([categories[slug] for slug in demo.categories])
    return programme


def _dates(demo, programme, today):
    """When each step happened: applied, decided, delivered, paid; none later than today."""
    last = min(today, programme.closes_on)
    steps = PATHS[demo.status]
    # Leave room for the steps that followed, so that every one lies in the past.
    room = 1
    if S.APPROVED in steps or S.REJECTED in steps:
        room += DECIDED_AFTER
    if S.REDEEMED in steps:
        room += DELIVERED_AFTER
    if S.PAID in steps:
        room += PAID_AFTER
    applied = min(programme.opens_on + timedelta(days=demo.day), today - timedelta(days=room))
    applied = max(applied, programme.opens_on)
    applied = min(applied, last)
    decided = min(applied + timedelta(days=DECIDED_AFTER), today)
    delivered = min(decided + timedelta(days=DELIVERED_AFTER), today)
    paid = min(delivered + timedelta(days=PAID_AFTER), today)
    return applied, decided, delivered, paid


def _collaboration(*, applicant, provider, category, started):
    """The voucher's collaboration: the one the companies demo already shows for this pair and
    service (met through a voucher), or a new one recorded as the lifecycle would."""
    existing = (
        Collaboration.objects.filter(
            regular=applicant,
            social=provider,
            category=category,
            channel=CollaborationChannel.VOUCHER,
        )
        .order_by("pk")
        .first()
    )
    return existing or collaborations.record(
        regular=applicant,
        social=provider,
        role=CollaborationRole.CLIENT,
        category=category,
        started=started,
        channel=CollaborationChannel.VOUCHER,
        source=CollaborationSource.VOUCHER,
    )


def _seed_voucher(number, demo, *, programme, organisations, categories, cast, today):
    applicant = organisations[demo.applicant]
    provider = organisations[demo.provider]
    category = categories[demo.category]
    applied, decided, delivered, paid = _dates(demo, programme, today)
    steps = PATHS[demo.status]
    approved = S.APPROVED in steps
    voucher = Voucher.objects.filter(
        programme=programme, applicant=applicant, provider=provider, category=category
    ).first()
    fields = {
        "intended_use": demo.intended_use,
        "expected_date": applied + timedelta(days=30),
        "applied_by": cast.members.get(applicant.pk),
        "terms_accepted_at": _moment(applied),
        "status": demo.status,
        "code": (voucher.code if voucher and voucher.code else new_code()) if approved else None,
        "amount": Decimal(0),
        "decided_at": _moment(decided, 15) if steps else None,
        "valid_until": decided + timedelta(days=programme.validity_days) if approved else None,
        "rejection_reason": demo.note if demo.status == S.REJECTED else "",
        "delivered_on": None,
        "invoice_number": "",
        "invoice_amount": None,
        "redeemed_at": None,
        "paid_on": None,
        "payment_reference": "",
        "collaboration": None,
    }
    if demo.status == S.EXPIRED:
        # It expired unredeemed: its validity ended before today.
        fields["valid_until"] = min(fields["valid_until"], today - timedelta(days=1))
    if demo.status == S.APPROVED:
        fields["amount"] = programme.voucher_value
    if S.REDEEMED in steps:
        invoice = Decimal(demo.invoice)
        fields.update(
            amount=min(invoice, programme.voucher_value),
            delivered_on=delivered,
            invoice_number=f"F{delivered.year}-{number:04d}",
            invoice_amount=invoice,
            redeemed_at=_moment(delivered, 17),
            collaboration=_collaboration(
                applicant=applicant, provider=provider, category=category, started=delivered
            ),
        )
    if demo.status == S.PAID:
        fields.update(paid_on=paid, payment_reference=f"REGIE-{paid:%Y%m%d}-{provider.pk:04d}")
    if voucher is None:
        voucher = Voucher.objects.create(
            programme=programme, applicant=applicant, provider=provider, category=category, **fields
        )
    else:
        for name, value in fields.items():
            setattr(voucher, name, value)
        voucher.save()
    # Applied back then, not today.
    Voucher.objects.filter(pk=voucher.pk).update(created_at=_moment(applied, 9))

    voucher.events.all().delete()
    regisseur = cast.regisseurs.get(programme.region_id, cast.administrator)
    applicant_user = cast.members.get(applicant.pk)
    at = {
        S.APPROVED: _moment(decided, 15),
        S.REJECTED: _moment(decided, 15),
        S.REDEEMED: _moment(delivered, 17),
        S.PAID: _moment(paid, 11),
        S.WITHDRAWN: _moment(min(decided + timedelta(days=10), today), 16),
        S.EXPIRED: _moment((fields["valid_until"] or today) + timedelta(days=1), 2),
    }
    actor = {
        S.APPROVED: regisseur,
        S.REJECTED: regisseur,
        S.REDEEMED: cast.members.get(provider.pk),
        S.PAID: regisseur,
        S.WITHDRAWN: applicant_user,
        S.EXPIRED: None,
    }
    events = [
        VoucherEvent(
            voucher=voucher,
            from_status="",
            to_status=S.SUBMITTED,
            actor=applicant_user,
            at=_moment(applied, 9),
        )
    ]
    previous = S.SUBMITTED
    for step in steps:
        note = ""
        if step in (S.REJECTED, S.WITHDRAWN):
            note = demo.note
        elif step == S.PAID:
            note = fields["payment_reference"]
        events.append(
            VoucherEvent(
                voucher=voucher,
                from_status=previous,
                to_status=step,
                actor=actor[step],
                at=at[step],
                note=note,
            )
        )
        previous = step
    VoucherEvent.objects.bulk_create(events)
    return voucher


def seed():
    today = timezone.localdate()
    regions = Region.objects.in_bulk(field_name="slug")
    categories = ServiceCategory.objects.in_bulk(field_name="slug")
    numbers = {demo.name: demo_enterprise_number(i) for i, demo in enumerate(ORGANISATIONS, 1)}
    by_number = Organisation.objects.in_bulk(numbers.values(), field_name="enterprise_number")
    organisations = {name: by_number[number] for name, number in numbers.items()}

    regisseur = demo_user("regisseur@brugwerk.test", name="Rita Regisseur", is_staff=True)
    dender = demo_user("regisseur.dender@brugwerk.test", name="Hanne Handel", is_staff=True)
    regions["zuidoost-limburg"].regisseurs.add(regisseur)
    regions["handel-samen-sociaal"].regisseurs.add(dender)
    administrator = demo_user(
        "admin@brugwerk.test", name="Ada Admin", is_staff=True, is_superuser=True
    )
    members = Membership.objects.filter(
        organisation__in=list(organisations.values()), user__email__endswith="@brugwerk.test"
    ).select_related("user")
    cast = Cast(
        members={membership.organisation_id: membership.user for membership in members},
        regisseurs={
            regions["zuidoost-limburg"].pk: regisseur,
            regions["handel-samen-sociaal"].pk: dender,
        },
        administrator=administrator,
    )

    programmes = {
        demo.key: _seed_programme(demo, today=today, regions=regions, categories=categories)
        for demo in _programmes(today.year)
    }
    for number, demo in enumerate(VOUCHERS, start=1):
        _seed_voucher(
            number,
            demo,
            programme=programmes[demo.programme],
            organisations=organisations,
            categories=categories,
            cast=cast,
            today=today,
        )
    return [("regisseur Denderstreek (HSS)", dender.email)]
