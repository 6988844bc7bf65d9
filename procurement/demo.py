"""Demo social spend (issue 23, item 5): Stad Bilzen-Hoeselt, a public buyer with a member, has
uploaded its purchases of the last two years; two Limburg schools without members have too, so
that report (j) shows Limburg's totals in public (three buyers, none above 85%).

Each year goes through procurement.spend_import as an upload would: a CSV file made here from
the lines below (demo social enterprises by name, a regular firm on the portal, and suppliers
not on the portal, with made-up valid numbers). Idempotent: a year whose file is unchanged is
left as it is; a changed one (the years follow today) replaces the year, as an upload does.
"""

from django.utils import timezone

from companies.demo import ORGANISATIONS, demo_enterprise_number
from companies.models import Membership, MembershipRole, Organisation
from portal.demo import demo_user

from .models import SpendYear
from .spend_import import digest, import_spend

# The demo organisations' enterprise numbers follow their place in companies.demo.ORGANISATIONS.
NUMBERS = {demo.name: demo_enterprise_number(index) for index, demo in enumerate(ORGANISATIONS, 1)}


def unlisted_number(index):
    """A valid enterprise number that no demo organisation has: 0777 and a sequence."""
    first_eight = 7770000 + index
    return f"0{first_eight:07d}{97 - first_eight % 97:02d}"


# (supplier: a demo organisation's name or an index for one not on the portal, amount as the
# buyer's bookkeeping writes it, category slug, description); the second list is a year earlier.
BILZEN = [
    [
        ("Groenwerk Haspengouw", "48.250,00", "groenonderhoud", "Onderhoud parken en bermen"),
        ("De Groene Kans", "12.400,50", "groenonderhoud", "Maaien sportvelden"),
        ("Fietspunt Bilzen-Hoeselt", "6.980,00", "fietsherstel", "Onderhoud dienstfietsen"),
        ("Maatwerk Maasland", "9.310,75", "verpakking-assemblage", "Verzending infobrochures"),
        ("Kringwinkel Limburg Zuid", "2.150,00", "hergebruik-kringwinkel", "Meubilair"),
        ("Hotel De Mergel", "15.600,00", "", "Recepties"),
        (1, "182.400,00", "bouw-renovatie", "Renovatie sporthal"),
        (2, "64.800,00", "schoonmaak", "Schoonmaak stadhuis"),
        (3, "23.950,20", "", "Kantoormateriaal"),
        (4, "7.480,00", "catering", "Catering nieuwjaarsreceptie"),
    ],
    [
        ("Groenwerk Haspengouw", "41.900,00", "groenonderhoud", "Onderhoud parken"),
        ("Fietspunt Bilzen-Hoeselt", "5.200,00", "fietsherstel", "Onderhoud dienstfietsen"),
        ("Tuinploeg Riemst", "3.750,00", "groenonderhoud", "Snoeiwerk"),
        ("Hotel De Mergel", "11.250,00", "", "Recepties"),
        (1, "95.000,00", "bouw-renovatie", "Dakwerken bibliotheek"),
        (2, "61.300,00", "schoonmaak", "Schoonmaak stadhuis"),
        (3, "21.400,00", "", "Kantoormateriaal"),
    ],
]
GENK = [
    [
        ("Maatwerk Maasland", "18.200,00", "verpakking-assemblage", "Montage lesmateriaal"),
        ("Atelier Hasselt Arbeidszorg", "4.300,00", "houtbewerking", "Werkbanken"),
        (5, "76.000,00", "", "Machines werkplaats"),
        (6, "22.500,00", "schoonmaak", "Schoonmaak"),
    ],
    [
        ("Maatwerk Maasland", "15.000,00", "verpakking-assemblage", "Montage lesmateriaal"),
        (5, "54.000,00", "", "Machines werkplaats"),
        (6, "21.800,00", "schoonmaak", "Schoonmaak"),
    ],
]
DE_LINDE = [
    [
        ("Groenwerk Haspengouw", "7.800,00", "groenonderhoud", "Onderhoud speelplaats en moestuin"),
        ("Kringwinkel Limburg Zuid", "1.250,00", "hergebruik-kringwinkel", "Speelgoed"),
        (7, "14.000,00", "catering", "Schoolmaaltijden"),
    ],
    [
        ("Groenwerk Haspengouw", "6.900,00", "groenonderhoud", "Onderhoud speelplaats"),
        (7, "13.200,00", "catering", "Schoolmaaltijden"),
    ],
]
BUYERS = {
    "Stad Bilzen-Hoeselt": BILZEN,
    "Technisch Atheneum Genk": GENK,
    "Basisschool De Linde": DE_LINDE,
}


def spend_file(lines):
    """The CSV a buyer's bookkeeping would export: semicolons, decimal commas."""
    rows = ["supplier_enterprise_number;amount;category;description"]
    for supplier, amount, category, description in lines:
        number = unlisted_number(supplier) if isinstance(supplier, int) else NUMBERS[supplier]
        rows.append(f"{number};{amount};{category};{description}")
    return ("\n".join(rows) + "\n").encode()


def seed():
    buyer_user = demo_user("inkoop@brugwerk.test", name="Ilse Inkoop")
    last_year = timezone.localdate().year - 1
    buyers = {o.name: o for o in Organisation.objects.filter(name__in=BUYERS)}
    for name, years in BUYERS.items():
        buyer = buyers[name]
        for offset, lines in enumerate(years):
            year = last_year - offset
            data = spend_file(lines)
            if SpendYear.objects.filter(buyer=buyer, year=year, digest=digest(data)).exists():
                continue
            import_spend(data, buyer=buyer, year=year, by=None, file_name=f"aankopen-{year}.csv")
    Membership.objects.get_or_create(
        user=buyer_user,
        organisation=buyers["Stad Bilzen-Hoeselt"],
        defaults={"role": MembershipRole.OWNER},
    )
    return [("public buyer (social spend)", buyer_user.email)]
