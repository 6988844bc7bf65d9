"""Demo organisations across Flanders, with an employer and a social-enterprise user.

Most of them lie in the four seeded regions (Zuidoost-Limburg, Handel Samen & Sociaal, SEVA and
Vlaams-Brabant), the rest spread over the other Flemish provinces, so that every facet and a
distance search have something to show. The enterprise numbers are made up (valid check digits,
in a range of our own, numbered by position in the list: append, never reorder) and the
organisations are fictional.

Beside them, the demo imports an official list of its own (data/demo/, invented too) the way a
regie would: those listings have no members, carry their source and wait to be claimed.
"""

import calendar
import zlib
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from stdnum import iban

from portal import phones
from portal.demo import demo_user
from portal.models import Postcode, Sector, ServiceCategory

from . import completeness, organisation_import, ratings, search
from .models import (
    Collaboration,
    CollaborationChannel,
    CollaborationRating,
    CollaborationRole,
    CollaborationSource,
    Membership,
    MembershipRole,
    OfferedService,
    Organisation,
    OrganisationKind,
    Recognition,
    TargetGroup,
)

K = OrganisationKind


class Demo(NamedTuple):
    name: str
    kind: str
    postcode: str
    street: str
    sectors: str  # NACE-BEL section codes, one letter each
    services: dict  # service category slug: radius in km, or None for all of Flanders
    verified: bool
    description: str
    recognitions: tuple = ()
    target_groups: tuple = ()
    size: str = ""


ORGANISATIONS = [
    Demo(
        "Groenwerk Haspengouw",
        K.SOCIAL,
        "3700",
        "Maastrichterstraat 120",
        "OA",
        {"groenonderhoud": 30, "land-tuinbouw": 20},
        True,
        "Maatwerkbedrijf voor groenonderhoud van bedrijfsterreinen, scholen en gemeenten.",
        ("maatwerkbedrijf",),
        ("arbeidshandicap", "langdurig-werkzoekenden"),
        "50-249",
    ),
    Demo(
        "Fietspunt Bilzen-Hoeselt",
        K.SOCIAL,
        "3740",
        "Stationsplein 2",
        "GT",
        {"fietsherstel": 15},
        True,
        "Fietspunt van de lokale diensteneconomie: herstelling, onderhoud en fietsverhuur.",
        ("lokale-diensteneconomie", "fietspunt"),
        ("langdurig-werkzoekenden",),
        "1-9",
    ),
    Demo(
        "Bakkerij Mergelland",
        K.REGULAR,
        "3770",
        "Tongersesteenweg 8",
        "C",
        {},
        True,
        "Ambachtelijke bakkerij met drie winkels in Zuid-Limburg.",
        size="10-49",
    ),
    Demo(
        "Fruitbedrijf Voerstreek",
        K.REGULAR,
        "3790",
        "Kerkplein 5",
        "A",
        {},
        False,
        "Familiaal fruitbedrijf met appels, peren en kersen.",
        size="1-9",
    ),
    Demo(
        "Basisschool De Linde",
        K.SCHOOL,
        "3700",
        "Lindestraat 14",
        "Q",
        {},
        True,
        "Gemeentelijke basisschool met een grote speelplaats en moestuin.",
    ),
    Demo(
        "Kringwinkel Denderland",
        K.SOCIAL,
        "9300",
        "Dendermondsesteenweg 60",
        "G",
        {"hergebruik-kringwinkel": 25, "verhuis-transport": 25, "recyclage-demontage": 40},
        True,
        "Kringwinkel en ophaaldienst: tweedehands meubels, kleding en elektro.",
        ("kringwinkel", "maatwerkafdeling"),
        ("langdurig-werkzoekenden", "vijftigplussers"),
        "50-249",
    ),
    Demo(
        "Verpakkingen Dender",
        K.REGULAR,
        "9300",
        "Industrielaan 12",
        "CH",
        {},
        True,
        "Producent van kartonnen verpakkingen voor de voedingsindustrie.",
        size="50-249",
    ),
    Demo(
        "OCMW Ninove",
        K.PUBLIC,
        "9400",
        "Centrumlaan 100",
        "PR",
        {},
        True,
        "Openbaar centrum voor maatschappelijk welzijn.",
    ),
    Demo(
        "Schoonmaakcoöperatie Vlaamse Ardennen",
        K.SOCIAL,
        "9600",
        "Wolvenstraat 3",
        "O",
        {"schoonmaak": 35, "was-strijk-naaiwerk": 20},
        True,
        "Sociale coöperatie voor schoonmaak van kantoren en strijkwerk.",
        ("sociale-onderneming",),
        ("nieuwkomers", "langdurig-werkzoekenden"),
        "10-49",
    ),
    Demo(
        "Brouwerij Scheldedal",
        K.REGULAR,
        "9700",
        "Brouwerijstraat 21",
        "C",
        {},
        False,
        "Stadsbrouwerij met bezoekerscentrum.",
        size="10-49",
    ),
    Demo(
        "vzw Ardennenhuis",
        K.NONPROFIT,
        "9500",
        "Abdijstraat 9",
        "R",
        {},
        True,
        "Ontmoetingshuis en vrijwilligerswerking in Geraardsbergen.",
    ),
    Demo(
        "Digitaal Atelier Leuven",
        K.SOCIAL,
        "3000",
        "Vaartkom 30",
        "O",
        {"digitalisering": None, "onthaal-administratie": 30},
        True,
        "Werkervaringsproject dat archieven scant en gegevens invoert.",
        ("werkervaring",),
        ("jongeren", "nieuwkomers"),
        "10-49",
    ),
    Demo(
        "Logistiek Vilvoorde",
        K.REGULAR,
        "1800",
        "Havenlaan 4",
        "H",
        {},
        True,
        "Opslag en distributie voor webwinkels.",
        size="250+",
    ),
    Demo(
        "Werkhuis Tienen",
        K.SOCIAL,
        "3300",
        "Grijpenlaan 18",
        "IC",
        {"catering": 40, "verpakking-assemblage": 30},
        False,
        "Maatwerkbedrijf met catering, verpakking en assemblage.",
        ("maatwerkbedrijf",),
        ("arbeidshandicap",),
        "50-249",
    ),
    # --- Zuidoost-Limburg and the rest of Limburg ---------------------------------------------
    Demo(
        "De Groene Kans",
        K.SOCIAL,
        "3740",
        "Spurkerweg 27",
        "A",
        {"groenonderhoud": 25, "klusjes-onderhoud": 15},
        True,
        "Werkervaringsplaatsen in groenonderhoud: maaien, snoeien en onderhoud van "
        "wandelpaden voor gemeenten en bedrijven.",
        ("werkervaring",),
        ("jongeren", "langdurig-werkzoekenden"),
        "10-49",
    ),
    Demo(
        "Maatwerk Maasland",
        K.SOCIAL,
        "3600",
        "Industrieweg 70",
        "CO",
        {"verpakking-assemblage": 50, "groenonderhoud": 20, "logistiek-opslag": 40},
        True,
        "Maatwerkbedrijf met 400 medewerkers: verpakking en assemblage voor de "
        "auto-industrie, groenonderhoud en opslag.",
        ("maatwerkbedrijf",),
        ("arbeidshandicap", "psychische-kwetsbaarheid"),
        "250+",
    ),
    Demo(
        "Kringwinkel Limburg Zuid",
        K.SOCIAL,
        "3800",
        "Luikersteenweg 310",
        "G",
        {"hergebruik-kringwinkel": 30, "verhuis-transport": 30},
        True,
        "Kringwinkel met ophaaldienst voor meubels en huisraad in Haspengouw.",
        ("kringwinkel",),
        ("langdurig-werkzoekenden", "vijftigplussers"),
        "50-249",
    ),
    Demo(
        "Tuinploeg Riemst",
        K.SOCIAL,
        "3770",
        "Jekerweg 4",
        "A",
        {"groenonderhoud": 15},
        False,
        "Lokale diensteneconomie: onderhoud van begraafplaatsen, pleinen en "
        "bedrijfstuinen in de Jekervallei.",
        ("lokale-diensteneconomie",),
        ("langdurig-werkzoekenden",),
        "1-9",
    ),
    Demo(
        "Atelier Hasselt Arbeidszorg",
        K.SOCIAL,
        "3500",
        "Kempische Steenweg 190",
        "C",
        {"houtbewerking": 30, "verpakking-assemblage": 25},
        True,
        "Arbeidszorg met houtatelier: paletten, tuinmeubelen en kleine verpakkingsopdrachten.",
        ("arbeidszorg",),
        ("psychische-kwetsbaarheid", "arbeidshandicap"),
        "10-49",
    ),
    Demo(
        "Hotel De Mergel",
        K.REGULAR,
        "3700",
        "Grote Markt 18",
        "I",
        {},
        True,
        "Viersterrenhotel met zalen voor seminaries in het centrum van Tongeren.",
        size="10-49",
    ),
    Demo(
        "Stad Bilzen-Hoeselt",
        K.PUBLIC,
        "3740",
        "Markt 1",
        "P",
        {},
        True,
        "Stadsbestuur met groendienst, sporthal en bibliotheek.",
        size="250+",
    ),
    Demo(
        "Technisch Atheneum Genk",
        K.SCHOOL,
        "3600",
        "Collegelaan 5",
        "Q",
        {},
        False,
        "Secundaire school met technische en beroepsrichtingen.",
        size="50-249",
    ),
    # --- Handel Samen & Sociaal (Aalst and the Denderstreek) -------------------------------
    Demo(
        "Denderwerk",
        K.SOCIAL,
        "9470",
        "Steenweg 210",
        "CN",
        {"verpakking-assemblage": 40, "schoonmaak": 25, "catering": 20},
        True,
        "Maatwerkbedrijf in de Denderstreek: verpakking, schoonmaak en een bedrijfsrestaurant.",
        ("maatwerkbedrijf",),
        ("arbeidshandicap", "langdurig-werkzoekenden"),
        "250+",
    ),
    Demo(
        "Sociaal Restaurant De Keukenbrug",
        K.SOCIAL,
        "9300",
        "Molenstraat 44",
        "I",
        {"catering": 25, "evenementen-horeca": 25},
        True,
        "Sociaal restaurant en traiteur: broodjeslunches en recepties voor bedrijven.",
        ("werkervaring", "sociale-onderneming"),
        ("jongeren", "nieuwkomers"),
        "10-49",
    ),
    Demo(
        "Drukkerij Haaltert",
        K.REGULAR,
        "9450",
        "Stationsstraat 12",
        "C",
        {},
        True,
        "Offset- en digitale drukkerij voor brochures en verpakkingen.",
        size="10-49",
    ),
    Demo(
        "Groendienst Lede vzw",
        K.SOCIAL,
        "9340",
        "Kasteelstraat 6",
        "A",
        {"groenonderhoud": 20},
        False,
        "Tewerkstellingsproject voor groenonderhoud in Lede en Erpe-Mere.",
        ("lokale-diensteneconomie",),
        ("leefloon",),
        "1-9",
    ),
    Demo(
        "Transport Erpe-Mere",
        K.REGULAR,
        "9420",
        "Oudenaardsesteenweg 50",
        "H",
        {},
        True,
        "Koel- en vriestransport voor de voedingsindustrie.",
        size="50-249",
    ),
    # --- SEVA (Vlaamse Ardennen) ----------------------------------------------------------
    Demo(
        "Fietsatelier Oudenaarde",
        K.SOCIAL,
        "9700",
        "Kasteelstraat 30",
        "GT",
        {"fietsherstel": 20},
        True,
        "Fietspunt aan het station: herstelling, fietsparking en verhuur van deelfietsen.",
        ("fietspunt", "lokale-diensteneconomie"),
        ("langdurig-werkzoekenden",),
        "1-9",
    ),
    Demo(
        "Naaiatelier Ronse",
        K.SOCIAL,
        "9600",
        "Zuidstraat 17",
        "C",
        {"was-strijk-naaiwerk": 30},
        True,
        "Naai- en strijkatelier: herstellingen, werkkledij en kleine textielreeksen.",
        ("sociale-onderneming",),
        ("nieuwkomers", "vijftigplussers"),
        "10-49",
    ),
    Demo(
        "Zwalmse Groenploeg",
        K.SOCIAL,
        "9630",
        "Dorp 3",
        "A",
        {"groenonderhoud": 25, "land-tuinbouw": 25},
        False,
        "Groenonderhoud en hoogstamboomgaarden in de Zwalmvallei.",
        ("werkervaring",),
        ("langdurig-werkzoekenden",),
        "1-9",
    ),
    Demo(
        "Textiel Brakel",
        K.REGULAR,
        "9660",
        "Nederbrakelstraat 80",
        "C",
        {},
        True,
        "Weverij van technisch textiel.",
        size="50-249",
    ),
    Demo(
        "Gemeentelijke Basisschool Geraardsbergen",
        K.SCHOOL,
        "9500",
        "Vesten 2",
        "Q",
        {},
        True,
        "Basisschool met kleuterafdeling aan de voet van de Muur.",
    ),
    # --- Vlaams-Brabant ------------------------------------------------------------------
    Demo(
        "Kringwinkel Hageland",
        K.SOCIAL,
        "3200",
        "Leuvensesteenweg 120",
        "GE",
        {"hergebruik-kringwinkel": 30, "recyclage-demontage": 40},
        True,
        "Kringwinkel met demontage van elektrische toestellen voor recyclage.",
        ("kringwinkel", "maatwerkafdeling"),
        ("arbeidshandicap", "langdurig-werkzoekenden"),
        "50-249",
    ),
    Demo(
        "Poetsdienst Halle",
        K.SOCIAL,
        "1500",
        "Basiliekstraat 40",
        "T",
        {"huishoudhulp-zorg": 15, "schoonmaak": 20},
        True,
        "Dienstenchequebedrijf en schoonmaak van kantoren in het Pajottenland.",
        ("sociale-onderneming",),
        ("vijftigplussers", "nieuwkomers"),
        "50-249",
    ),
    Demo(
        "Diestse Klusjesdienst",
        K.SOCIAL,
        "3290",
        "Koning Albertstraat 22",
        "F",
        {"klusjes-onderhoud": 20, "bouw-renovatie": 20},
        False,
        "Kleine herstellingen, schilderwerk en renovatie voor sociale huurwoningen en scholen.",
        ("lokale-diensteneconomie",),
        ("langdurig-werkzoekenden", "leefloon"),
        "10-49",
    ),
    Demo(
        "Brouwerij Hagelandse Hop",
        K.REGULAR,
        "3300",
        "Sint-Truidensesteenweg 210",
        "C",
        {},
        True,
        "Bierbrouwerij die flessen laat etiketteren en verpakken.",
        size="10-49",
    ),
    Demo(
        "Provinciale Hogeschool Leuven",
        K.SCHOOL,
        "3000",
        "Naamsestraat 60",
        "Q",
        {},
        True,
        "Hogeschool met opleidingen in zorg, techniek en onderwijs.",
        size="250+",
    ),
    # --- The rest of Flanders -------------------------------------------------------------
    Demo(
        "Havenatelier Antwerpen",
        K.SOCIAL,
        "2000",
        "Noorderlaan 150",
        "CH",
        {"verpakking-assemblage": 40, "logistiek-opslag": 40, "metaalbewerking": 30},
        True,
        "Maatwerkbedrijf aan de haven: verpakking, opslag en metaalbewerking op maat.",
        ("maatwerkbedrijf",),
        ("arbeidshandicap",),
        "250+",
    ),
    Demo(
        "Mechels Fietspunt",
        K.SOCIAL,
        "2800",
        "Stationsstraat 3",
        "GT",
        {"fietsherstel": 10},
        True,
        "Fietspunt met herstelling en bewaakte fietsenstalling aan station Mechelen.",
        ("fietspunt",),
        ("langdurig-werkzoekenden",),
        "1-9",
    ),
    Demo(
        "Kempense Groenzorg",
        K.SOCIAL,
        "2440",
        "Kleinhoefstraat 11",
        "A",
        {"groenonderhoud": 35},
        True,
        "Groenonderhoud en natuurbeheer in de Kempen, met ploegen in Geel en Turnhout.",
        ("maatwerkafdeling",),
        ("arbeidshandicap", "langdurig-werkzoekenden"),
        "50-249",
    ),
    Demo(
        "Gentse Scanstraat",
        K.SOCIAL,
        "9000",
        "Dok Noord 7",
        "OJ",
        {"digitalisering": None, "drukwerk-mailing": 40},
        True,
        "Digitalisering van archieven en mailings voor overheden en ziekenhuizen.",
        ("werkervaring", "sociale-onderneming"),
        ("jongeren", "psychische-kwetsbaarheid"),
        "10-49",
    ),
    Demo(
        "Brugse Kaaikeuken",
        K.SOCIAL,
        "8000",
        "Langestraat 90",
        "I",
        {"catering": 20, "evenementen-horeca": 30},
        False,
        "Sociaal restaurant met catering voor vergaderingen en evenementen.",
        ("werkervaring",),
        ("nieuwkomers",),
        "10-49",
    ),
    Demo(
        "Kortrijkse Werkplaats",
        K.SOCIAL,
        "8500",
        "Kortrijkse Poort 12",
        "CF",
        {"houtbewerking": 40, "bouw-renovatie": 30, "verpakking-assemblage": 40},
        True,
        "Maatwerkbedrijf met schrijnwerkerij, renovatieploegen en een assemblagehal.",
        ("maatwerkbedrijf",),
        ("arbeidshandicap",),
        "250+",
    ),
    Demo(
        "Roeselaarse Groenten",
        K.REGULAR,
        "8800",
        "Meensesteenweg 300",
        "AC",
        {},
        True,
        "Verwerker van diepvriesgroenten.",
        size="250+",
    ),
    Demo(
        "Meubelhuis Oostende",
        K.REGULAR,
        "8400",
        "Torhoutsesteenweg 55",
        "G",
        {},
        False,
        "Meubelwinkel met levering en plaatsing aan huis.",
        size="10-49",
    ),
    Demo(
        "Wasserij Waasland",
        K.SOCIAL,
        "9100",
        "Industriepark-West 40",
        "T",
        {"was-strijk-naaiwerk": 40, "logistiek-opslag": 20},
        True,
        "Industriële wasserij voor woonzorgcentra, hotels en bedrijven.",
        ("maatwerkbedrijf",),
        ("arbeidshandicap", "vijftigplussers"),
        "50-249",
    ),
    Demo(
        "vzw Kempens Netwerk",
        K.NONPROFIT,
        "2300",
        "Grote Markt 40",
        "S",
        {},
        True,
        "Netwerk van verenigingen en cultuurhuizen in de Noorderkempen.",
    ),
    # --- Regular firms that worked with social enterprises since 2012 (see HISTORY) ------------
    Demo(
        "Kunststoffen Genk",
        K.REGULAR,
        "3600",
        "Henry Fordlaan 20",
        "C",
        {},
        True,
        "Spuitgieterij van kunststof onderdelen voor de auto- en de bouwsector.",
        size="50-249",
    ),
    Demo(
        "Autobedrijf Hasselt",
        K.REGULAR,
        "3500",
        "Genkersteenweg 300",
        "G",
        {},
        True,
        "Garage en carrosserie met twee vestigingen in Hasselt.",
        size="10-49",
    ),
    Demo(
        "Ingenieursbureau Leuven",
        K.REGULAR,
        "3000",
        "Diestsesteenweg 80",
        "M",
        {},
        True,
        "Studiebureau voor stabiliteit en technieken in gebouwen.",
        size="50-249",
    ),
    Demo(
        "Bouwbedrijf Hageland",
        K.REGULAR,
        "3200",
        "Nieuwlandlaan 15",
        "F",
        {},
        True,
        "Algemene bouwonderneming voor renovatie en nieuwbouw.",
        size="50-249",
    ),
    Demo(
        "Havenlogistiek Noord",
        K.REGULAR,
        "2000",
        "Noorderlaan 730",
        "H",
        {},
        True,
        "Opslag en overslag van stukgoed in de Antwerpse haven.",
        size="250+",
    ),
    Demo(
        "Chocolaterie Mechelen",
        K.REGULAR,
        "2800",
        "Brusselsesteenweg 44",
        "C",
        {},
        True,
        "Ambachtelijke chocolaterie die naar twintig landen uitvoert.",
        size="10-49",
    ),
    Demo(
        "Kempische Bouwgroep",
        K.REGULAR,
        "2440",
        "Industrieweg 12",
        "F",
        {},
        False,
        "Aannemer van wegenwerken en groenaanleg in de Kempen.",
        size="50-249",
    ),
    Demo(
        "Drukkerij Turnhout",
        K.REGULAR,
        "2300",
        "Steenweg op Merksplas 5",
        "C",
        {},
        True,
        "Drukkerij van speelkaarten, verpakkingen en brochures.",
        size="50-249",
    ),
    Demo(
        "Hotel Brugse Vesten",
        K.REGULAR,
        "8000",
        "Vestingstraat 3",
        "I",
        {},
        True,
        "Hotel met congreszalen aan de Brugse vesten.",
        size="10-49",
    ),
    Demo(
        "Meubelfabriek Leie",
        K.REGULAR,
        "8500",
        "Leiekaai 40",
        "C",
        {},
        True,
        "Fabriek van kantoormeubilair in massief hout.",
        size="50-249",
    ),
    # A new firm the regie has not verified yet: its vacancy waits for the demo regisseur's
    # check (vacancies/demo.py, issue 19).
    Demo(
        "Schrijnwerkerij Jekerdal",
        K.REGULAR,
        "3700",
        "Jekerstraat 5",
        "F",
        {},
        False,
        "Jonge schrijnwerkerij voor maatwerk in hout: trappen, kasten en ramen.",
        size="1-9",
    ),
]

# Confirmed collaborations for the profiles: (regular side, social enterprise, role, service,
# channel, years ago it started).
COLLABORATIONS = [
    (
        "Basisschool De Linde",
        "Groenwerk Haspengouw",
        CollaborationRole.CLIENT,
        "groenonderhoud",
        CollaborationChannel.DIRECTORY,
        2,
    ),
    (
        "Hotel De Mergel",
        "Groenwerk Haspengouw",
        CollaborationRole.CLIENT,
        "groenonderhoud",
        CollaborationChannel.VOUCHER,
        1,
    ),
    (
        "Verpakkingen Dender",
        "Kringwinkel Denderland",
        CollaborationRole.PARTNER,
        "recyclage-demontage",
        CollaborationChannel.REGIE,
        3,
    ),
    (
        "Brouwerij Hagelandse Hop",
        "Werkhuis Tienen",
        CollaborationRole.CLIENT,
        "verpakking-assemblage",
        CollaborationChannel.NETWORK_EVENT,
        2,
    ),
]


# Collaborations since 2012, for the register and the reports, per pair of (regular side, social
# enterprise): (role, service, channel, started, ended or "", and optionally a state). Months stand
# for their first day (an end for its last). Without a state both sides confirmed; otherwise the
# state names the side that has yet to answer ("awaiting_regular", "awaiting_social") or that
# disputed it ("disputed_by_regular", "disputed_by_social").
# Several provinces have three or more firms in the same year and role, others fewer, so that the
# public reports show figures and suppressed cells ("<3") alike.
HISTORY = {
    # Oost-Vlaanderen
    ("Verpakkingen Dender", "Denderwerk"): [
        ("client", "verpakking-assemblage", "regie", "2012-02", ""),
        ("client", "schoonmaak", "directory", "2026-09", "", "awaiting_regular"),
    ],
    ("Transport Erpe-Mere", "Denderwerk"): [
        ("client", "schoonmaak", "network_event", "2012-09", "2018-06"),
    ],
    ("Drukkerij Haaltert", "Kringwinkel Denderland"): [
        ("client", "recyclage-demontage", "regie", "2012-05", ""),
    ],
    ("Brouwerij Scheldedal", "Fietsatelier Oudenaarde"): [
        ("client", "fietsherstel", "other", "2013-04", "2017-03"),
        ("client", "fietsherstel", "directory", "2024-04", "", "disputed_by_regular"),
    ],
    ("Textiel Brakel", "Naaiatelier Ronse"): [
        ("partner", "was-strijk-naaiwerk", "network_event", "2013-10", ""),
    ],
    ("OCMW Ninove", "Schoonmaakcoöperatie Vlaamse Ardennen"): [
        ("client", "schoonmaak", "regie", "2014-01", ""),
        # A reserved contract the OCMW awarded (issue 23's "public procurement" channel).
        ("client", "schoonmaak", "public_procurement", "2025-03", ""),
    ],
    ("Textiel Brakel", "Schoonmaakcoöperatie Vlaamse Ardennen"): [
        ("client", "schoonmaak", "regie", "2015-01", "2020-12"),
    ],
    ("Brouwerij Scheldedal", "Sociaal Restaurant De Keukenbrug"): [
        ("client", "evenementen-horeca", "network_event", "2015-05", "2019-09"),
    ],
    ("Verpakkingen Dender", "Wasserij Waasland"): [
        ("client", "was-strijk-naaiwerk", "other", "2015-09", ""),
    ],
    ("Drukkerij Haaltert", "Gentse Scanstraat"): [
        ("supplier", "drukwerk-mailing", "other", "2016-02", "2022-01"),
    ],
    ("vzw Ardennenhuis", "Zwalmse Groenploeg"): [
        ("client", "groenonderhoud", "other", "2017-04", "2021-10"),
    ],
    ("OCMW Ninove", "Poetsdienst Halle"): [
        ("client", "huishoudhulp-zorg", "regie", "2018-01", ""),
    ],
    ("Transport Erpe-Mere", "Groendienst Lede vzw"): [
        ("client", "groenonderhoud", "regie", "2019-03", ""),
    ],
    ("Brouwerij Scheldedal", "Zwalmse Groenploeg"): [
        ("client", "land-tuinbouw", "directory", "2019-06", ""),
    ],
    ("Textiel Brakel", "Denderwerk"): [
        ("supplier", "verpakking-assemblage", "service_request", "2023-02", ""),
    ],
    ("Drukkerij Haaltert", "Sociaal Restaurant De Keukenbrug"): [
        ("client", "catering", "service_request", "2023-05", ""),
    ],
    ("Transport Erpe-Mere", "Wasserij Waasland"): [
        ("client", "logistiek-opslag", "directory", "2023-09", "2025-08"),
    ],
    ("Gemeentelijke Basisschool Geraardsbergen", "Sociaal Restaurant De Keukenbrug"): [
        ("client", "catering", "directory", "2024-09", ""),
    ],
    ("Brouwerij Scheldedal", "Naaiatelier Ronse"): [
        ("client", "was-strijk-naaiwerk", "voucher", "2025-03", ""),
    ],
    ("Drukkerij Haaltert", "Denderwerk"): [
        ("client", "catering", "voucher", "2025-04", ""),
    ],
    ("Verpakkingen Dender", "Sociaal Restaurant De Keukenbrug"): [
        ("client", "catering", "service_request", "2025-06", ""),
    ],
    ("Textiel Brakel", "Gentse Scanstraat"): [
        ("client", "digitalisering", "directory", "2026-02", ""),
    ],
    # Limburg
    ("Kunststoffen Genk", "Maatwerk Maasland"): [
        ("client", "verpakking-assemblage", "regie", "2012-01", ""),
        ("client", "logistiek-opslag", "network_event", "2016-05", ""),
    ],
    ("Bakkerij Mergelland", "Tuinploeg Riemst"): [
        ("client", "groenonderhoud", "regie", "2012-04", "2015-10"),
    ],
    ("Fruitbedrijf Voerstreek", "Groenwerk Haspengouw"): [
        ("client", "land-tuinbouw", "network_event", "2013-03", ""),
    ],
    ("Bakkerij Mergelland", "Kringwinkel Limburg Zuid"): [
        ("client", "verhuis-transport", "other", "2014-06", "2014-12"),
    ],
    ("Stad Bilzen-Hoeselt", "De Groene Kans"): [
        ("client", "groenonderhoud", "regie", "2015-03", ""),
    ],
    ("Autobedrijf Hasselt", "Atelier Hasselt Arbeidszorg"): [
        ("client", "houtbewerking", "other", "2016-09", "2020-02"),
    ],
    ("Hotel De Mergel", "Fietspunt Bilzen-Hoeselt"): [
        ("partner", "fietsherstel", "network_event", "2018-05", ""),
    ],
    ("Fruitbedrijf Voerstreek", "Kringwinkel Limburg Zuid"): [
        ("supplier", "hergebruik-kringwinkel", "other", "2019-11", "2023-03"),
    ],
    ("Technisch Atheneum Genk", "Maatwerk Maasland"): [
        ("partner", "groenonderhoud", "network_event", "2020-09", ""),
    ],
    ("Autobedrijf Hasselt", "De Groene Kans"): [
        ("client", "klusjes-onderhoud", "directory", "2021-04", ""),
    ],
    ("Bakkerij Mergelland", "Groenwerk Haspengouw"): [
        ("client", "groenonderhoud", "voucher", "2024-03", ""),
    ],
    ("Kunststoffen Genk", "Atelier Hasselt Arbeidszorg"): [
        ("client", "verpakking-assemblage", "service_request", "2024-10", ""),
    ],
    ("Autobedrijf Hasselt", "Kringwinkel Limburg Zuid"): [
        ("client", "hergebruik-kringwinkel", "voucher", "2025-05", ""),
    ],
    ("Fruitbedrijf Voerstreek", "Tuinploeg Riemst"): [
        ("client", "groenonderhoud", "other", "2022-05", "", "disputed_by_social"),
    ],
    ("Hotel De Mergel", "Groenwerk Haspengouw"): [
        ("client", "land-tuinbouw", "directory", "2026-06", "", "awaiting_social"),
    ],
    # Vlaams-Brabant
    ("Logistiek Vilvoorde", "Poetsdienst Halle"): [
        ("client", "schoonmaak", "regie", "2012-06", ""),
    ],
    ("Ingenieursbureau Leuven", "Digitaal Atelier Leuven"): [
        ("client", "digitalisering", "network_event", "2013-05", ""),
    ],
    ("Brouwerij Hagelandse Hop", "Kringwinkel Hageland"): [
        ("client", "recyclage-demontage", "other", "2014-02", "2018-12"),
    ],
    ("Provinciale Hogeschool Leuven", "Digitaal Atelier Leuven"): [
        ("client", "onthaal-administratie", "regie", "2016-09", "2021-06"),
    ],
    ("Bouwbedrijf Hageland", "Diestse Klusjesdienst"): [
        ("supplier", "bouw-renovatie", "other", "2017-03", ""),
    ],
    ("Logistiek Vilvoorde", "Werkhuis Tienen"): [
        ("client", "verpakking-assemblage", "directory", "2020-01", ""),
    ],
    ("Ingenieursbureau Leuven", "Poetsdienst Halle"): [
        ("client", "schoonmaak", "service_request", "2022-10", ""),
    ],
    ("Brouwerij Hagelandse Hop", "Werkhuis Tienen"): [
        ("client", "catering", "voucher", "2024-11", ""),
    ],
    ("Bouwbedrijf Hageland", "Kringwinkel Hageland"): [
        ("partner", "recyclage-demontage", "voucher", "2025-01", ""),
    ],
    ("Logistiek Vilvoorde", "Havenatelier Antwerpen"): [
        ("client", "logistiek-opslag", "service_request", "2026-03", "", "awaiting_social"),
    ],
    # Antwerpen
    ("Havenlogistiek Noord", "Havenatelier Antwerpen"): [
        ("client", "logistiek-opslag", "regie", "2012-10", ""),
        ("client", "metaalbewerking", "network_event", "2018-02", "2023-06"),
    ],
    ("Chocolaterie Mechelen", "Mechels Fietspunt"): [
        ("client", "fietsherstel", "other", "2014-04", ""),
    ],
    ("Kempische Bouwgroep", "Kempense Groenzorg"): [
        ("client", "groenonderhoud", "regie", "2016-04", ""),
    ],
    ("vzw Kempens Netwerk", "Kempense Groenzorg"): [
        ("partner", "groenonderhoud", "network_event", "2019-09", ""),
    ],
    ("Drukkerij Turnhout", "Gentse Scanstraat"): [
        ("partner", "drukwerk-mailing", "network_event", "2020-05", ""),
    ],
    ("Chocolaterie Mechelen", "Havenatelier Antwerpen"): [
        ("client", "verpakking-assemblage", "service_request", "2021-10", ""),
    ],
    ("Kempische Bouwgroep", "Diestse Klusjesdienst"): [
        ("supplier", "klusjes-onderhoud", "other", "2022-02", "2024-01"),
    ],
    ("Drukkerij Turnhout", "Kempense Groenzorg"): [
        ("client", "groenonderhoud", "directory", "2024-05", ""),
    ],
    # West-Vlaanderen
    ("Roeselaarse Groenten", "Kortrijkse Werkplaats"): [
        ("client", "verpakking-assemblage", "regie", "2013-01", ""),
    ],
    ("Meubelhuis Oostende", "Kortrijkse Werkplaats"): [
        ("client", "houtbewerking", "other", "2015-11", "2022-04"),
        ("client", "bouw-renovatie", "voucher", "2025-09", ""),
    ],
    ("Hotel Brugse Vesten", "Brugse Kaaikeuken"): [
        ("client", "evenementen-horeca", "network_event", "2017-06", ""),
    ],
    ("Meubelfabriek Leie", "Kortrijkse Werkplaats"): [
        ("supplier", "houtbewerking", "other", "2018-09", ""),
    ],
    ("Roeselaarse Groenten", "Wasserij Waasland"): [
        ("client", "was-strijk-naaiwerk", "directory", "2021-03", "2025-02"),
    ],
    ("Hotel Brugse Vesten", "Wasserij Waasland"): [
        ("client", "was-strijk-naaiwerk", "service_request", "2024-04", ""),
    ],
}
DISPUTE_NOTE = "Wij hebben nooit met jullie samengewerkt; misschien een andere vestiging?"


def _month(text, *, last_day=False):
    year, month = (int(part) for part in text.split("-"))
    return date(year, month, calendar.monthrange(year, month)[1] if last_day else 1)


def _seed_history(organisations, categories):
    """The collaborations of HISTORY, each once (found again by pair, role, service and start).

    What the sides did not confirm was declared by hand; the confirmed ones before 2024 came in
    through an import, the later ones were declared on the portal.
    """
    now = timezone.now()
    rows = (
        (regular, social, *row, "")[:8]
        for (regular, social), pair_rows in HISTORY.items()
        for row in pair_rows
    )
    for regular, social, role, category, channel, started, ended, state in rows:
        started = _month(started)
        fields = {
            "ended": _month(ended, last_day=True) if ended else None,
            "channel": channel,
            "source": CollaborationSource.IMPORT
            if not state and started.year < 2024
            else CollaborationSource.MANUAL,
            "confirmed_by_regular_at": now,
            "confirmed_by_social_at": now,
        }
        if state:
            waiting_side = state.rsplit("_", 1)[1]
            fields[f"confirmed_by_{waiting_side}_at"] = None
            if state.startswith("disputed"):
                fields["disputed_at"] = now
                fields["dispute_note"] = DISPUTE_NOTE
        Collaboration.objects.get_or_create(
            regular=organisations[regular],
            social=organisations[social],
            role=role,
            category=categories[category],
            started=started,
            defaults=fields,
        )


# Issue 21, item 3: the sides' ratings of the confirmed collaborations, so that the evaluation
# report shows figures. Most are good, some poor; a side answers about three times in four.
DEMO_SCORES = [5, 4, 4, 3, 5, 4, 2, 4, 5, 3, 4, 1, 4, 5, 3, 4]
ANSWERED_OUT_OF_4 = 3


def _rating_periods(collaboration, today):
    """(period, the day it was asked) for each rating the collaboration has been asked for."""
    yield ratings.ON_CONFIRMATION, collaboration.started
    last = collaboration.ended or today
    years = 1
    while (day := ratings.anniversary(collaboration.started, years)) <= last:
        yield ratings.year_period(years), day
        years += 1
    if collaboration.ended and collaboration.ended <= today:
        yield ratings.AT_END, collaboration.ended


def _seed_ratings():
    """Ratings of this demo's confirmed collaborations (declared or imported; those the
    vacancies and vouchers demos record come later and are asked by email, as on the portal),
    given on the day each was asked for, the same on every run: the score and the answer come
    from the names and the period, and a rating already there is left as it is."""
    today = timezone.localdate()
    given = set(CollaborationRating.objects.values_list("collaboration_id", "side", "period"))
    new, days = [], []
    confirmed = (
        Collaboration.objects.confirmed()
        .filter(
            disputed_at__isnull=True,
            source__in=[CollaborationSource.MANUAL, CollaborationSource.IMPORT],
        )
        .select_related("regular", "social")
        .order_by("pk")
    )
    for collaboration in confirmed:
        for period, day in _rating_periods(collaboration, today):
            for side in ("regular", "social"):
                if (collaboration.pk, side, period) in given:
                    continue
                seed = zlib.crc32(
                    f"{collaboration.regular.name}|{collaboration.social.name}|"
                    f"{collaboration.started}|{side}|{period}".encode()
                )
                if seed % 4 >= ANSWERED_OUT_OF_4:
                    continue
                score = DEMO_SCORES[seed // 4 % len(DEMO_SCORES)]
                new.append(
                    CollaborationRating(
                        collaboration=collaboration,
                        side=side,
                        period=period,
                        score=score,
                        would_work_again=score >= 3 or seed % 7 == 0,
                    )
                )
                days.append(day)
    created = CollaborationRating.objects.bulk_create(new)
    # Given on the day asked (created_at is set to now on insert).
    for rating, day in zip(created, days, strict=True):
        rating.created_at = timezone.make_aware(datetime(day.year, day.month, day.day, 10))
    CollaborationRating.objects.bulk_update(created, ["created_at"], batch_size=500)


def demo_enterprise_number(index):
    """A valid, made-up enterprise number: 0999 followed by a sequence and check digits."""
    first_eight = 9990000 + index
    return f"0{first_eight:07d}{97 - first_eight % 97:02d}"


def demo_iban(index):
    """A valid, made-up Belgian IBAN: bank code 999, a sequence, and both sets of check digits
    (the account's mod 97 and the IBAN's)."""
    account = f"999{index:07d}"
    bban = f"{account}{int(account) % 97 or 97:02d}"
    return f"BE{iban.calc_check_digits(f'BE00{bban}')}{bban}"


def _seed_organisation(index, demo, *, sectors, categories, postcodes, recognitions, groups):
    organisation, _ = Organisation.objects.update_or_create(
        enterprise_number=demo_enterprise_number(index),
        defaults={
            "name": demo.name,
            "kind": demo.kind,
            "postcode": postcodes[demo.postcode],
            "street": demo.street,
            "description": demo.description,
            "size": demo.size,
            # Businesses publish how to reach them (invented, on the reserved .test domain).
            "website": f"https://www.{slugify(demo.name)}.test",
            "email": f"info@{slugify(demo.name)}.test",
            # Stored as every phone is (E.164, portal/phones.py): shown as 011 ...
            "phone": phones.normalise(
                f"011 {20 + index % 70:02d} {10 + index % 89:02d} {10 + index * 7 % 89:02d}"
            ),
            # Social enterprises are paid their vouchers to it (companies/bank_accounts.py).
            "iban": demo_iban(index) if demo.kind == OrganisationKind.SOCIAL else "",
        },
    )
    if demo.verified and not organisation.verified_at:
        organisation.verified_at = timezone.now()
        organisation.save(update_fields=["verified_at"])
    organisation.sectors.set([sectors[code] for code in demo.sectors])
    organisation.recognitions.set([recognitions[slug] for slug in demo.recognitions])
    organisation.target_groups.set([groups[slug] for slug in demo.target_groups])
    for slug, radius in demo.services.items():
        OfferedService.objects.update_or_create(
            organisation=organisation,
            category=categories[slug],
            defaults={"radius_km": radius},
        )
    # Services and recognitions were set after the save: index them for the directory search.
    search.index(organisation)
    return organisation


# The demo's official list (invented organisations in Limburg, data/SOURCES.md) and its name.
DEMO_LIST = settings.BASE_DIR / "data" / "demo" / "erkende-sociale-economie-limburg.csv"
DEMO_LIST_SOURCE = "lijst erkende sociale-economiebedrijven Limburg"


def seed_imported_listings():
    """Import the demo list as `manage.py import_organisations` would; again, it adds nothing."""
    return organisation_import.import_organisations(DEMO_LIST.read_bytes(), source=DEMO_LIST_SOURCE)


def seed():
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    categories = {category.slug: category for category in ServiceCategory.objects.all()}
    postcodes = Postcode.objects.in_bulk(
        {demo.postcode for demo in ORGANISATIONS}, field_name="code"
    )
    recognitions = {recognition.slug: recognition for recognition in Recognition.objects.all()}
    groups = {group.slug: group for group in TargetGroup.objects.all()}
    organisations = {}
    for index, demo in enumerate(ORGANISATIONS, start=1):
        organisations[demo.name] = _seed_organisation(
            index,
            demo,
            sectors=sectors,
            categories=categories,
            postcodes=postcodes,
            recognitions=recognitions,
            groups=groups,
        )

    now = timezone.now()
    for regular, social, role, category, channel, years_ago in COLLABORATIONS:
        Collaboration.objects.get_or_create(
            regular=organisations[regular],
            social=organisations[social],
            category=categories[category],
            defaults={
                "role": role,
                "channel": channel,
                "started": timezone.localdate() - timedelta(days=365 * years_ago),
                "confirmed_by_regular_at": now,
                "confirmed_by_social_at": now,
            },
        )

    _seed_history(organisations, categories)
    _seed_ratings()
    seed_imported_listings()

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
    # Services and recognitions were added after each save: the scores from what is there now.
    completeness.refresh_all()
    return [
        ("employer", employer.email),
        ("social enterprise member", enterprise_member.email),
    ]
