"""Demo organisations across the seeded regions, with an employer and a social-enterprise user.

The enterprise numbers are made up (valid check digits, in a range of our own) and the
organisations are fictional.
"""

from django.utils import timezone

from portal.demo import demo_user
from portal.models import Postcode, Sector, ServiceCategory

from .models import Membership, MembershipRole, OfferedService, Organisation, OrganisationKind

K = OrganisationKind

# name, kind, postcode, street, sectors, services (slug: radius km or None for all Flanders),
# verified, description
ORGANISATIONS = [
    (
        "Groenwerk Haspengouw",
        K.SOCIAL,
        "3700",
        "Maastrichterstraat 120",
        "OA",
        {"groenonderhoud": 30, "land-tuinbouw": 20},
        True,
        "Maatwerkbedrijf voor groenonderhoud van bedrijfsterreinen, scholen en gemeenten.",
    ),
    (
        "Fietspunt Bilzen-Hoeselt",
        K.SOCIAL,
        "3740",
        "Stationsplein 2",
        "GT",
        {"fietsherstel": 15},
        True,
        "Fietspunt van de lokale diensteneconomie: herstelling, onderhoud en fietsverhuur.",
    ),
    (
        "Bakkerij Mergelland",
        K.REGULAR,
        "3770",
        "Tongersesteenweg 8",
        "C",
        {},
        True,
        "Ambachtelijke bakkerij met drie winkels in Zuid-Limburg.",
    ),
    (
        "Fruitbedrijf Voerstreek",
        K.REGULAR,
        "3790",
        "Kerkplein 5",
        "A",
        {},
        False,
        "Familiaal fruitbedrijf met appels, peren en kersen.",
    ),
    (
        "Basisschool De Linde",
        K.SCHOOL,
        "3700",
        "Lindestraat 14",
        "Q",
        {},
        True,
        "Gemeentelijke basisschool met een grote speelplaats en moestuin.",
    ),
    (
        "Kringwinkel Denderland",
        K.SOCIAL,
        "9300",
        "Dendermondsesteenweg 60",
        "G",
        {"hergebruik-kringwinkel": 25, "verhuis-transport": 25, "recyclage-demontage": 40},
        True,
        "Kringwinkel en ophaaldienst: tweedehands meubels, kleding en elektro.",
    ),
    (
        "Verpakkingen Dender",
        K.REGULAR,
        "9300",
        "Industrielaan 12",
        "CH",
        {},
        True,
        "Producent van kartonnen verpakkingen voor de voedingsindustrie.",
    ),
    (
        "OCMW Ninove",
        K.PUBLIC,
        "9400",
        "Centrumlaan 100",
        "PR",
        {},
        True,
        "Openbaar centrum voor maatschappelijk welzijn.",
    ),
    (
        "Schoonmaakcoöperatie Vlaamse Ardennen",
        K.SOCIAL,
        "9600",
        "Wolvenstraat 3",
        "O",
        {"schoonmaak": 35, "was-strijk-naaiwerk": 20},
        True,
        "Sociale coöperatie voor schoonmaak van kantoren en strijkwerk.",
    ),
    (
        "Brouwerij Scheldedal",
        K.REGULAR,
        "9700",
        "Brouwerijstraat 21",
        "C",
        {},
        False,
        "Stadsbrouwerij met bezoekerscentrum.",
    ),
    (
        "vzw Ardennenhuis",
        K.NONPROFIT,
        "9500",
        "Abdijstraat 9",
        "R",
        {},
        True,
        "Ontmoetingshuis en vrijwilligerswerking in Geraardsbergen.",
    ),
    (
        "Digitaal Atelier Leuven",
        K.SOCIAL,
        "3000",
        "Vaartkom 30",
        "O",
        {"digitalisering": None, "onthaal-administratie": 30},
        True,
        "Werkervaringsproject dat archieven scant en gegevens invoert.",
    ),
    (
        "Logistiek Vilvoorde",
        K.REGULAR,
        "1800",
        "Havenlaan 4",
        "H",
        {},
        True,
        "Opslag en distributie voor webwinkels.",
    ),
    (
        "Werkhuis Tienen",
        K.SOCIAL,
        "3300",
        "Grijpenlaan 18",
        "IC",
        {"catering": 40, "verpakking-assemblage": 30},
        False,
        "Maatwerkbedrijf met catering, verpakking en assemblage.",
    ),
]


def demo_enterprise_number(index):
    """A valid, made-up enterprise number: 0999 followed by a sequence and check digits."""
    first_eight = 9990000 + index
    return f"0{first_eight:07d}{97 - first_eight % 97:02d}"


def seed():
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    categories = {category.slug: category for category in ServiceCategory.objects.all()}
    postcodes = Postcode.objects.in_bulk({row[2] for row in ORGANISATIONS}, field_name="code")
    organisations = {}
    for index, (
        name,
        kind,
        code,
        street,
        sector_codes,
        services,
        verified,
        description,
    ) in enumerate(ORGANISATIONS, start=1):
        organisation, _ = Organisation.objects.update_or_create(
            enterprise_number=demo_enterprise_number(index),
            defaults={
                "name": name,
                "kind": kind,
                "postcode": postcodes[code],
                "street": street,
                "description": description,
            },
        )
        if verified and not organisation.verified_at:
            organisation.verified_at = timezone.now()
            organisation.save(update_fields=["verified_at"])
        organisation.sectors.set([sectors[c] for c in sector_codes])
        for slug, radius in services.items():
            OfferedService.objects.update_or_create(
                organisation=organisation,
                category=categories[slug],
                defaults={"radius_km": radius},
            )
        organisations[name] = organisation

    employer = demo_user("werkgever@brugwerk.test", name="Wim Werkgever")
    enterprise_member = demo_user("sociaal@brugwerk.test", name="Sara Sociaal")
    for user, name in [
        (employer, "Verpakkingen Dender"),
        (enterprise_member, "Groenwerk Haspengouw"),
    ]:
        Membership.objects.get_or_create(
            user=user,
            organisation=organisations[name],
            defaults={"role": MembershipRole.OWNER},
        )
    return [
        ("employer", employer.email),
        ("social enterprise member", enterprise_member.email),
    ]
