"""Build Brugwerk's reference data (the CSV files next to this script) from the raw sources.

Usage:
    python data/build.py [SOURCE_DIR] [--out DIR]

SOURCE_DIR defaults to ../shared/data seen from the project root; DIR defaults to the folder of
this script. Only the standard library is used, so the script runs without Django or a virtualenv.

The raw sources (described in SOURCE_DIR/SOURCES.md) are old and partly wrong: postcodes carry
2013 NIS codes, some of them for the wrong municipality, and neither the 2019 nor the 2025 mergers
are applied. This script repairs and maps them, prints every correction it makes, and exits with
status 1 when a check fails, so that a bad rebuild never reaches the loader.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from outlines import build_outlines

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parent.parent / "shared" / "data"

MERGED_2019 = "2019-01-01"
MERGED_2025 = "2025-01-01"
# Every coordinate the portal stores must pass the database check on Postcode.
LATITUDE_RANGE = (49.4, 51.6)
LONGITUDE_RANGE = (2.5, 6.5)

PROVINCE_EN = {
    "10000": "Antwerp",
    "20001": "Flemish Brabant",
    "20002": "Walloon Brabant",
    "30000": "West Flanders",
    "40000": "East Flanders",
    "50000": "Hainaut",
    "60000": "Liège",
    "70000": "Limburg",
    "80000": "Luxembourg",
    "90000": "Namur",
}
REGION_BY_REFNIS = {"02000": "flanders", "03000": "wallonia"}
REGION_BY_NAME = {
    "Vlaams Gewest": "flanders",
    "Waals Gewest": "wallonia",
    "Brussels Hoofdstedelijk Gewest": "brussels",
}
# The first digits of a NIS code name its province (REFNIS); Brussels lies in no province.
PROVINCE_BY_PREFIX = {
    "11": "10000",
    "12": "10000",
    "13": "10000",
    "21": "",
    "23": "20001",
    "24": "20001",
    "25": "20002",
    "3": "30000",
    "4": "40000",
    "5": "50000",
    "6": "60000",
    "7": "70000",
    "8": "80000",
    "9": "90000",
}
# rubenv names provinces in Dutch; "Brussel" stands for the Brussels-Capital Region.
PROVINCE_BY_RUBENV_NAME = {
    "Antwerpen": "10000",
    "Vlaams-Brabant": "20001",
    "Waals-Brabant": "20002",
    "West-Vlaanderen": "30000",
    "Oost-Vlaanderen": "40000",
    "Henegouwen": "50000",
    "Luik": "60000",
    "Limburg": "70000",
    "Luxemburg": "80000",
    "Namen": "90000",
    "Brussel": "",
}

# Official names of the municipalities created on 1 January 2025, as Statbel's REFNIS 2025 has
# them. fusies-2025.csv gives Dutch names only, one of them still marked "voorlopige naam".
MUNICIPALITIES_2025 = {
    "11002": ("Antwerpen", "Anvers"),
    "23106": ("Pajottegem", "Pajottegem"),
    "37021": ("Wingene", "Wingene"),
    "37022": ("Tielt", "Tielt"),
    "44086": ("Nazareth-De Pinte", "Nazareth-De Pinte"),
    "44087": ("Lochristi", "Lochristi"),
    "44088": ("Merelbeke-Melle", "Merelbeke-Melle"),
    "46029": ("Lokeren", "Lokeren"),
    "46030": ("Beveren-Kruibeke-Zwijndrecht", "Beveren-Kruibeke-Zwijndrecht"),
    "71071": ("Tessenderlo-Ham", "Tessenderlo-Ham"),
    "71072": ("Hasselt", "Hasselt"),
    "73110": ("Bilzen-Hoeselt", "Bilzen-Hoeselt"),
    "73111": ("Tongeren-Borgloon", "Tongres-Looz"),
    "82039": ("Bastenaken", "Bastogne"),
}

# Where the 2020 list departs from Statbel's spelling of a municipality.
MUNICIPALITY_NAME_FIXES = {"61068": ("Villers-le-Bouillet", "Villers-le-Bouillet")}

# rubenv spells a few Walloon places in Dutch; the portal names Walloon places in French.
WALLOON_PLACE_NAMES = {"Dottenijs": "Dottignies"}

# NACE-BEL 2025 sections (NACE Rev. 2.1), titles from Statbel's NACE-BEL 2025 nomenclature, put
# in sentence case (Statbel writes section titles in capitals).
NACE_SECTIONS = [
    (
        "A",
        "Landbouw, bosbouw en visserij",
        "Agriculture, sylviculture et pêche",
        "Agriculture, forestry and fishing",
    ),
    ("B", "Winning van delfstoffen", "Industries extractives", "Mining and quarrying"),
    ("C", "Industrie", "Industrie manufacturière", "Manufacturing"),
    (
        "D",
        "Productie en distributie van elektriciteit, gas, stoom en gekoelde lucht",
        "Production et distribution d’électricité, de gaz, de vapeur et d’air conditionné",
        "Electricity, gas, steam and air conditioning supply",
    ),
    (
        "E",
        "Distributie van water; afval- en afvalwaterbeheer en sanering",
        "Production et distribution d’eau; assainissement, gestion des déchets et dépollution",
        "Water supply; sewerage, waste management and remediation activities",
    ),
    ("F", "Bouwnijverheid", "Construction", "Construction"),
    ("G", "Groot- en detailhandel", "Commerce", "Wholesale and retail trade"),
    ("H", "Vervoer en opslag", "Transports et entreposage", "Transportation and storage"),
    (
        "I",
        "Verschaffen van accommodatie en maaltijden",
        "Hébergement et restauration",
        "Accommodation and food service activities",
    ),
    (
        "J",
        "Activiteiten van uitgeverijen, omroepactiviteiten en productie en distributie van inhoud",
        "Édition, diffusion et activités de production et de distribution de contenu",
        "Publishing, broadcasting, and content production and distribution activities",
    ),
    (
        "K",
        "Telecommunicatie, computerprogrammering, consultancy, informatica-infrastructuur en "
        "andere activiteiten op het gebied van informatiediensten",
        "Télécommunications, programmation informatique, conseil, infrastructure informatique "
        "et autres activités de service d’information",
        "Telecommunication, computer programming, consulting, computing infrastructure and "
        "other information service activities",
    ),
    (
        "L",
        "Financiële activiteiten en verzekeringen",
        "Activités financières et d’assurance",
        "Financial and insurance activities",
    ),
    (
        "M",
        "Exploitatie van en handel in onroerend goed",
        "Activités immobilières",
        "Real estate activities",
    ),
    (
        "N",
        "Wetenschappelijke en technische activiteiten en overige specialistische zakelijke "
        "dienstverlening",
        "Activités spécialisées, scientifiques et techniques",
        "Professional, scientific and technical activities",
    ),
    (
        "O",
        "Administratieve en ondersteunende diensten",
        "Activités de service administratif et de soutien",
        "Administrative and support service activities",
    ),
    (
        "P",
        "Openbaar bestuur en defensie; verplichte sociale verzekeringen",
        "Administration publique et défense; sécurité sociale obligatoire",
        "Public administration and defence; compulsory social security",
    ),
    ("Q", "Onderwijs", "Enseignement", "Education"),
    (
        "R",
        "Menselijke gezondheidszorg en maatschappelijke dienstverlening",
        "Santé humaine et activités d’action sociale",
        "Human health and social work activities",
    ),
    (
        "S",
        "Kunst, sport en recreatie",
        "Arts, sports et activités récréatives",
        "Arts, sports and recreation",
    ),
    ("T", "Overige diensten", "Autres activités de services", "Other service activities"),
    (
        "U",
        "Activiteiten van huishoudens als werkgever en niet-gedifferentieerde productie van "
        "goederen en diensten door huishoudens voor eigen gebruik",
        "Activités des ménages en tant qu’employeurs; activités indifférenciées des ménages en "
        "tant que producteurs de biens et services pour usage propre",
        "Activities of households as employers and undifferentiated goods- and "
        "service-producing activities of households for own use",
    ),
    (
        "V",
        "Activiteiten van extraterritoriale organisaties en instanties",
        "Activités des organisations et organismes extraterritoriaux",
        "Activities of extraterritorial organisations and bodies",
    ),
]

# Written by the Brugwerk project: what Flemish social enterprises offer to regular firms.
SERVICE_CATEGORIES = [
    ("groenonderhoud", "Groenonderhoud", "Entretien des espaces verts", "Green maintenance"),
    ("schoonmaak", "Schoonmaak", "Nettoyage", "Cleaning"),
    (
        "verpakking-assemblage",
        "Verpakking en assemblage",
        "Conditionnement et assemblage",
        "Packaging and assembly",
    ),
    (
        "logistiek-opslag",
        "Logistiek en opslag",
        "Logistique et entreposage",
        "Logistics and warehousing",
    ),
    ("catering", "Catering en maaltijden", "Restauration et traiteur", "Catering and meals"),
    (
        "was-strijk-naaiwerk",
        "Was, strijk en naaiwerk",
        "Blanchisserie, repassage et couture",
        "Laundry, ironing and sewing",
    ),
    (
        "fietsherstel",
        "Fietsherstel en fietspunten",
        "Réparation de vélos et points vélo",
        "Bicycle repair and bicycle points",
    ),
    (
        "hergebruik-kringwinkel",
        "Hergebruik en kringwinkel",
        "Réemploi et magasins de seconde main",
        "Re-use and thrift shops",
    ),
    (
        "digitalisering",
        "Scanning, digitalisering en data-invoer",
        "Scannage, numérisation et encodage de données",
        "Scanning, digitisation and data entry",
    ),
    (
        "bouw-renovatie",
        "Bouw en renovatie",
        "Construction et rénovation",
        "Construction and renovation",
    ),
    ("metaalbewerking", "Metaalbewerking", "Travail des métaux", "Metalwork"),
    (
        "houtbewerking",
        "Houtbewerking en schrijnwerk",
        "Travail du bois et menuiserie",
        "Woodwork and joinery",
    ),
    (
        "drukwerk-mailing",
        "Drukwerk en mailing",
        "Impression et publipostage",
        "Printing and mailing",
    ),
    (
        "verhuis-transport",
        "Verhuis en transport",
        "Déménagement et transport",
        "Removals and transport",
    ),
    (
        "recyclage-demontage",
        "Recyclage en demontage",
        "Recyclage et démantèlement",
        "Recycling and dismantling",
    ),
    (
        "onthaal-administratie",
        "Onthaal en administratieve ondersteuning",
        "Accueil et soutien administratif",
        "Reception and administrative support",
    ),
    (
        "huishoudhulp-zorg",
        "Huishoudhulp en zorg (dienstencheques)",
        "Aide ménagère et soins (titres-services)",
        "Household help and care (service vouchers)",
    ),
    (
        "evenementen-horeca",
        "Ondersteuning van evenementen en horeca",
        "Soutien aux événements et à l’horeca",
        "Event and hospitality support",
    ),
    (
        "land-tuinbouw",
        "Land- en tuinbouw",
        "Agriculture et horticulture",
        "Agriculture and horticulture",
    ),
    (
        "klusjes-onderhoud",
        "Klusjes en technisch onderhoud",
        "Petits travaux et entretien technique",
        "Odd jobs and technical maintenance",
    ),
]

# The areas regisseurs work in, seeded by the project. Members are named, not numbered, so that a
# reader can check them; a province region takes every current municipality of its province.
REGIONS = [
    {
        "slug": "zuidoost-limburg",
        "name": "Zuidoost-Limburg",
        "kind": "regie",
        "members": ["Tongeren-Borgloon", "Bilzen-Hoeselt", "Riemst", "Voeren"],
    },
    {
        "slug": "handel-samen-sociaal",
        "name": "Handel Samen & Sociaal",
        "kind": "cluster",
        "members": ["Aalst", "Lede", "Denderleeuw", "Haaltert", "Erpe-Mere", "Ninove"],
    },
    {
        "slug": "seva",
        "name": "SEVA",
        "kind": "cluster",
        "members": ["Geraardsbergen", "Brakel", "Oudenaarde", "Ronse", "Zwalm"],
    },
    {"slug": "vlaams-brabant", "name": "Vlaams-Brabant", "kind": "province", "province": "20001"},
]

# Facts the result must show; a rebuild that loses one of them is wrong, whatever else it did.
EXPECTED_POSTCODES = {
    "3730": "73110",  # Hoeselt, now Bilzen-Hoeselt
    "3700": "73111",  # Tongeren, now Tongeren-Borgloon
    "9300": "41002",  # Aalst (rubenv says 71053, Sint-Truiden)
    "3790": "73109",  # Voeren, Limburg
    "1830": "23047",  # Machelen (rubenv says 44081, Zulte)
    "2070": "46030",  # Zwijndrecht, now Beveren-Kruibeke-Zwijndrecht
    "2150": "11002",  # Borsbeek, now Antwerpen
}
EXPECTED_COUNTS = {"current": 565, "flemish": 285, "postcodes": 1146, "sectors": 22}


class BuildError(Exception):
    """A check failed: the sources changed or the repairs no longer fit them."""


def check(condition, message):
    if not condition:
        raise BuildError(message)


@dataclass
class Place:
    """One row of rubenv's postcode file, with the code we end up trusting."""

    name: str
    postcode: str
    nis_2013: str
    province: str
    main: bool
    nis: str = ""  # the 2020 municipality code, after repairs and the 2019 changes


def simplify(text):
    """A key for comparing names across sources that differ in accents, case and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def slugify(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def province_of(nis):
    for prefix in (nis[:2], nis[:1]):
        if prefix in PROVINCE_BY_PREFIX:
            return PROVINCE_BY_PREFIX[prefix]
    raise BuildError(f"NIS code {nis} has no province prefix")


# Little words that stay lower case inside a Belgian place name (Dutch and French).
LOWER_WORDS = {
    "aan", "au", "aux", "bij", "d", "de", "den", "des", "devant", "du", "en", "et", "in", "l",
    "la", "le", "les", "lez", "lès", "op", "sous", "sur", "t", "ten", "ter", "à",
}  # fmt: skip


def tidy_place_name(name):
    """Fix the capitals of a place name: "Heist-Op-Den-Berg" -> "Heist-op-den-Berg".

    Both postcode sources capitalise every part or none ("Braine-l'alleud", "Bois-D'Haine").
    """
    name = name.replace("’", "'").strip()
    # Statbel writes the Dutch genitive "'s" before the name with a space ("'s Gravenwezel").
    name = re.sub(r"^'?[sS] (?=[A-Z])", "'s ", name)
    parts = re.split(r"([- ])", name)
    out = []
    for index, part in enumerate(parts):
        if part in "- " or not part:
            out.append(part)
            continue
        out.append(tidy_word(part, first=index == 0))
    return "".join(out)


def tidy_word(word, *, first):
    if word == "'s":
        return word
    lower = word.lower()
    elision = re.match(r"^([dl])'(.+)$", lower)
    if elision:
        head = elision.group(1).upper() if first else elision.group(1)
        return f"{head}'{tidy_word(elision.group(2), first=True)}"
    if lower == "'t":
        return "'t"
    if not first and lower in LOWER_WORDS:
        return lower
    if lower.startswith("ij"):
        return "IJ" + lower[2:]
    return lower[:1].upper() + lower[1:]


class Report:
    """What the build tells the person running it: counts and every repair."""

    def __init__(self):
        self.lines = []

    def section(self, title):
        self.lines.append("")
        self.lines.append(f"== {title}")

    def add(self, line):
        self.lines.append(f"  {line}")

    def print(self, stream=sys.stdout):
        print("\n".join(self.lines).lstrip("\n"), file=stream)


# ---------------------------------------------------------------------------------------------
# Reading the sources


def read_csv(path, **kwargs):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, **kwargs))


@dataclass
class Sources:
    refnis: list
    municipalities_2020: dict
    fusions_2019: list
    fusions_2025: list
    places: list
    geonames: list


def read_sources(source):
    check(source.is_dir(), f"source folder {source} does not exist")
    municipalities = {
        row["NIS_code"]: row for row in read_csv(source / "belgian_municipalities_2020.csv")
    }
    places = [
        Place(
            name=row["name"],
            postcode=row["zipCode"],
            nis_2013=row["nisCode"],
            province=row["province"],
            main=row["main"] == "1",
        )
        for row in read_csv(source / "rubenv_belgium_zipcodes_cities.csv")
    ]
    return Sources(
        refnis=read_csv(source / "refnis_regions_provinces_extract.csv"),
        municipalities_2020=municipalities,
        fusions_2019=read_csv(source / "fusies-2019.csv"),
        fusions_2025=parse_fusions_2025(source / "fusies-2025.csv"),
        places=places,
        geonames=read_csv(source / "geonames_be_zipcodes.csv"),
    )


FUSION_PART = re.compile(
    r"^\s*(?P<name>.+?)\s*(?P<provisional>\(voorlopige naam\))?\s*\((?P<nis>\d{5})\)\s*$"
)


def parse_fusions_2025(path):
    """Statbel's list of 2025 mergers: free text, "Old (code) + Old (code),<TAB>New (code)"."""
    fusions = []
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    check(lines and lines[0].startswith("Fuserende gemeenten"), f"{path.name}: unexpected header")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        check(",\t" in line, f"{path.name} line {number}: no comma+TAB separator")
        left, right = line.split(",\t", 1)
        new = FUSION_PART.match(right)
        check(new, f"{path.name} line {number}: cannot read the new municipality {right!r}")
        olds = []
        for part in left.split("+"):
            old = FUSION_PART.match(part)
            check(old, f"{path.name} line {number}: cannot read {part!r}")
            olds.append((old["nis"], old["name"]))
        fusions.append(
            {
                "new_nis": new["nis"],
                "new_name": new["name"],
                "provisional": bool(new["provisional"]),
                "olds": olds,
            }
        )
    return fusions


# ---------------------------------------------------------------------------------------------
# Provinces


def build_provinces(sources, report):
    report.section("Provinces")
    provinces = []
    for row in sources.refnis:
        if row["LVL_REFNIS"] != "2":
            continue
        if row["DT_VLDT_END"] != "31/12/9999":
            report.add(
                f"skipped {row['CD_REFNIS']} {row['TX_REFNIS_NL']}: ended {row['DT_VLDT_END']}"
            )
            continue
        name_nl = row["TX_REFNIS_NL"].removeprefix("Provincie ")
        name_fr = re.sub(r"^Province (du |de |d')", "", row["TX_REFNIS_FR"])
        provinces.append(
            {
                "nis_code": row["CD_REFNIS"],
                "slug": slugify(name_nl),
                "name_nl": name_nl,
                "name_fr": name_fr,
                "name_en": PROVINCE_EN[row["CD_REFNIS"]],
                "region": REGION_BY_REFNIS[row["CD_SUP_REFNIS"]],
            }
        )
    check(len(provinces) == 10, f"expected 10 current provinces, found {len(provinces)}")
    report.add(f"{len(provinces)} provinces")
    return sorted(provinces, key=lambda p: p["nis_code"])


# ---------------------------------------------------------------------------------------------
# Municipalities


def clean_name(name):
    # Statbel's REFNIS writes straight apostrophes; the 2020 list has typographic ones.
    return name.replace("’", "'")


def build_municipalities(sources, report):
    """Current municipalities (1 January 2025) plus those merged away in 2019 and 2025."""
    report.section("Municipalities")
    old_2020 = sources.municipalities_2020
    check(
        len(old_2020) == 581, f"expected 581 municipalities in the 2020 list, found {len(old_2020)}"
    )

    rows = {}
    for nis, row in old_2020.items():
        province = province_of(nis)
        listed = "" if row["province_NL"] == "0" else row["province_NL"]
        check(
            (province == "") == (listed == ""),
            f"{nis} {row['municipality_NL']}: province {listed!r} does not fit its code",
        )
        rows[nis] = {
            "nis_code": nis,
            "name_nl": clean_name(row["municipality_NL"]),
            "name_fr": clean_name(row["municipality_FR"]),
            "province_nis": province,
            "region": REGION_BY_NAME[row["region_NL"]],
            "merged_into_nis": "",
            "merged_on": "",
        }
    for nis, (name_nl, name_fr) in MUNICIPALITY_NAME_FIXES.items():
        report.add(f"{nis}: {rows[nis]['name_nl']!r} spelled {name_nl!r}, as Statbel does")
        rows[nis]["name_nl"], rows[nis]["name_fr"] = name_nl, name_fr

    merged_2025 = {}
    for fusion in sources.fusions_2025:
        new_nis = fusion["new_nis"]
        check(new_nis in MUNICIPALITIES_2025, f"merger into unknown municipality {new_nis}")
        name_nl, name_fr = MUNICIPALITIES_2025[new_nis]
        if fusion["provisional"]:
            outcome = "kept as" if fusion["new_name"] == name_nl else "replaced by"
            report.add(
                f"{new_nis}: provisional name {fusion['new_name']!r} in fusies-2025, "
                f"{outcome} the official name {name_nl!r}"
            )
        elif fusion["new_name"] != name_nl and fusion["new_name"] != name_fr:
            raise BuildError(
                f"{new_nis}: fusies-2025 calls it {fusion['new_name']!r}, not {name_nl!r}"
            )
        for old_nis, old_name in fusion["olds"]:
            check(old_nis in rows, f"2025 merger: {old_name} ({old_nis}) is not in the 2020 list")
            known_as = {simplify(rows[old_nis]["name_nl"]), simplify(rows[old_nis]["name_fr"])}
            check(
                simplify(old_name) in known_as,
                f"2025 merger: {old_nis} is {rows[old_nis]['name_nl']}, not {old_name}",
            )
            if old_nis != new_nis:
                merged_2025[old_nis] = new_nis
        province = province_of(new_nis)
        old_provinces = {rows[nis]["province_nis"] for nis, _ in fusion["olds"]}
        if old_provinces != {province}:
            report.add(
                f"{new_nis} {name_nl} lies in province {province}; it absorbs municipalities "
                f"of {', '.join(sorted(old_provinces))}"
            )
        regions = {rows[nis]["region"] for nis, _ in fusion["olds"]}
        check(len(regions) == 1, f"{new_nis} merges municipalities of several regions")
        rows[new_nis] = {
            "nis_code": new_nis,
            "name_nl": name_nl,
            "name_fr": name_fr,
            "province_nis": province,
            "region": regions.pop(),
            "merged_into_nis": "",
            "merged_on": "",
        }

    for old_nis, new_nis in merged_2025.items():
        rows[old_nis]["merged_into_nis"] = new_nis
        rows[old_nis]["merged_on"] = MERGED_2025

    for fusion in sources.fusions_2019:
        former, successor = fusion["former_nis"], fusion["new_nis"]
        check(former not in old_2020, f"2019 merger: {former} is still in the 2020 list")
        check(successor in old_2020, f"2019 merger: {successor} is not in the 2020 list")
        name = fusion["former_name"]
        rows[former] = {
            "nis_code": former,
            "name_nl": name,
            "name_fr": name,
            "province_nis": province_of(former),
            "region": rows[successor]["region"],
            # Point at the municipality the place belongs to today, even if it merged again.
            "merged_into_nis": merged_2025.get(successor, successor),
            "merged_on": MERGED_2019,
        }

    current = [row for row in rows.values() if not row["merged_into_nis"]]
    flemish = [row for row in current if row["region"] == "flanders"]
    by_region = Counter(row["region"] for row in current)
    report.add(
        f"{len(current)} current municipalities ({by_region['flanders']} Flemish, "
        f"{by_region['wallonia']} Walloon, {by_region['brussels']} in Brussels)"
    )
    report.add(
        f"{len(merged_2025)} merged on {MERGED_2025}, {len(sources.fusions_2019)} on {MERGED_2019}"
    )
    check(
        len(current) == EXPECTED_COUNTS["current"],
        f"expected 565 current municipalities, got {len(current)}",
    )
    check(
        len(flemish) == EXPECTED_COUNTS["flemish"],
        f"expected 285 Flemish municipalities, got {len(flemish)}",
    )
    check("73028" in rows and not rows["73028"]["merged_into_nis"], "Herstappe must stay separate")
    for row in rows.values():
        target = row["merged_into_nis"]
        check(
            not target or not rows[target]["merged_into_nis"],
            f"{row['nis_code']} points at a merged one",
        )
    return dict(sorted(rows.items()))


# ---------------------------------------------------------------------------------------------
# Postcodes


@dataclass
class PostcodeContext:
    """What the postcode steps share: lookups built once from the sources."""

    sources: Sources
    municipalities: dict
    merged_2019: dict  # former 2013 code -> its 2019 successor
    renumbered_2019: dict
    geonames_by_postcode: dict
    arrondissement: dict  # postcode -> 2-digit arrondissement code, from GeoNames
    coordinates: dict  # (postcode, simplified place name) -> (latitude, longitude)

    def to_2020(self, nis):
        """A 2013 code's municipality as of 2019-2024, or "" when the code means nothing."""
        if nis in self.sources.municipalities_2020:
            return nis
        return self.merged_2019.get(nis) or self.renumbered_2019.get(nis, "")

    def to_current(self, nis_2020):
        row = self.municipalities[nis_2020]
        return row["merged_into_nis"] or nis_2020


def rubenv_province_fits(place):
    province = PROVINCE_BY_RUBENV_NAME[place.province]
    return province_of(place.nis_2013) == province


def find_hainaut_renumbering(sources, report):
    """Map the 2013 codes that vanished in 2019 without a merger to their new codes.

    On 1 January 2019 the arrondissements of Hainaut were redrawn and some municipalities got a
    new code (Mouscron 54007 became 57096). No table of these is in the sources, so each old code
    is matched by name to a code of the 2020 list that did not exist in 2013.
    """
    report.section("Hainaut codes renumbered in 2019 (matched by name)")
    known = set(sources.municipalities_2020) | {f["former_nis"] for f in sources.fusions_2019}
    trusted = [p for p in sources.places if rubenv_province_fits(p)]
    codes_2013 = {p.nis_2013 for p in sources.places}
    new_codes = [nis for nis in sources.municipalities_2020 if nis not in codes_2013]
    geonames_places = defaultdict(set)
    for row in sources.geonames:
        geonames_places[row["zipcode"]].add(row["place"])

    renumbered = {}
    for old in sorted({p.nis_2013 for p in trusted} - known):
        rows = [p for p in trusted if p.nis_2013 == old]
        province = PROVINCE_BY_RUBENV_NAME[rows[0].province]
        names = {simplify(p.name) for p in rows}
        for postcode in {p.postcode for p in rows}:
            names |= {simplify(name) for name in geonames_places[postcode]}
        matches = [
            nis
            for nis in new_codes
            if province_of(nis) == province
            and {
                simplify(sources.municipalities_2020[nis]["municipality_NL"]),
                simplify(sources.municipalities_2020[nis]["municipality_FR"]),
            }
            & names
        ]
        if len(matches) == 1:
            renumbered[old] = matches[0]
            new_name = sources.municipalities_2020[matches[0]]["municipality_FR"]
            report.add(f"{old} -> {matches[0]} {clean_name(new_name)}")
        else:
            report.add(
                f"{old}: no single match ({', '.join(matches) or 'none'}); rows repaired below"
            )
    return renumbered


def arrondissements_by_postcode(sources):
    arrondissement = {}
    for row in sources.geonames:
        code = row["community_code"]
        previous = arrondissement.setdefault(row["zipcode"], code)
        check(
            previous == code, f"postcode {row['zipcode']} lies in two arrondissements in GeoNames"
        )
    return arrondissement


def arrondissement_codes(context):
    """2020 code -> the arrondissement prefixes it may carry.

    GeoNames mixes vintages: Hainaut still has its pre-2019 arrondissements (Mouscron 54) while
    Opglabbeek already sits in Maaseik (72) with Oudsbergen. A code fits if its own prefix or the
    prefix of any 2013 code that became it matches.
    """
    prefixes = defaultdict(set)
    for nis in context.sources.municipalities_2020:
        prefixes[nis].add(nis[:2])
    for place in context.sources.places:
        nis = context.to_2020(place.nis_2013)
        if nis:
            prefixes[nis].add(place.nis_2013[:2])
    return prefixes


def find_wrong_places(context, prefixes):
    """rubenv rows whose code is provably wrong, each with the reason."""
    wrong = {}
    for place in context.sources.places:
        nis = context.to_2020(place.nis_2013)
        area = context.arrondissement[place.postcode]
        if not rubenv_province_fits(place):
            wrong[id(place)] = f"code {place.nis_2013} is not in province {place.province}"
        elif not nis:
            wrong[id(place)] = f"code {place.nis_2013} is no municipality of 2013-2024"
        elif area not in prefixes[nis] | {place.nis_2013[:2]}:
            wrong[id(place)] = f"code {place.nis_2013} is not in arrondissement {area} (GeoNames)"
    return wrong


def coordinates_of_places(sources):
    coordinates = {}
    for row in sources.geonames:
        coordinates[(row["zipcode"], simplify(row["place"]))] = (
            float(row["latitude"]),
            float(row["longitude"]),
        )
    return coordinates


def distance_km(a, b):
    mean_latitude = math.radians((a[0] + b[0]) / 2)
    dx = math.radians(b[1] - a[1]) * math.cos(mean_latitude)
    dy = math.radians(b[0] - a[0])
    return 6371 * math.hypot(dx, dy)


def repair_place(place, context, prefixes, wrong):
    """Find the right 2020 municipality for a row whose code is wrong.

    Candidates are the municipalities of the arrondissement GeoNames gives for the postcode (and
    of the province rubenv gives). In order: a municipality that bears the place's name; else
    the municipality every correct row of the same postcode agrees on; else the municipality of
    the nearest correct place (GeoNames coordinates).
    """
    area = context.arrondissement[place.postcode]
    province = PROVINCE_BY_RUBENV_NAME[place.province]
    candidates = {
        nis
        for nis, codes in prefixes.items()
        if area in codes
        and province_of(nis) == province
        and nis in context.sources.municipalities_2020
    }
    check(candidates, f"{place.postcode} {place.name}: no municipality in arrondissement {area}")
    municipalities = context.sources.municipalities_2020

    by_name = [
        nis
        for nis in candidates
        if simplify(place.name)
        in {
            simplify(municipalities[nis]["municipality_NL"]),
            simplify(municipalities[nis]["municipality_FR"]),
        }
    ]
    if len(by_name) == 1:
        return by_name[0], "its own name"

    peers = {
        context.to_2020(p.nis_2013)
        for p in context.sources.places
        if p.postcode == place.postcode and id(p) not in wrong
    }
    if len(peers) == 1 and peers <= candidates:
        return peers.pop(), f"the other places of postcode {place.postcode}"

    coordinates = context.coordinates
    here = coordinates.get((place.postcode, simplify(place.name)))
    check(here, f"{place.postcode} {place.name}: no coordinates to find its neighbours")
    neighbours = []
    for other in context.sources.places:
        nis = context.to_2020(other.nis_2013)
        there = coordinates.get((other.postcode, simplify(other.name)))
        if id(other) not in wrong and nis in candidates and there and other is not place:
            neighbours.append((distance_km(here, there), other, nis))
    check(
        neighbours, f"{place.postcode} {place.name}: no correct neighbour in arrondissement {area}"
    )
    # bpost numbers the parts of a municipality alike (2800 Mechelen, 2811 Hombeek, 2812 Muizen),
    # so a neighbour in the same block of ten postcodes is a better guide than distance alone.
    same_block = [n for n in neighbours if n[1].postcode[:3] == place.postcode[:3]]
    distance, other, nis = min(same_block or neighbours, key=lambda n: (n[0], n[1].postcode))
    return nis, f"the nearest place, {other.postcode} {other.name} ({distance:.1f} km)"


def resolve_places(sources, municipalities, report):
    """Give every rubenv row its 2020 municipality code, repairing the wrong ones."""
    renumbered = find_hainaut_renumbering(sources, report)
    context = PostcodeContext(
        sources=sources,
        municipalities=municipalities,
        merged_2019={f["former_nis"]: f["new_nis"] for f in sources.fusions_2019},
        renumbered_2019=renumbered,
        geonames_by_postcode=defaultdict(list),
        arrondissement=arrondissements_by_postcode(sources),
        coordinates=coordinates_of_places(sources),
    )
    for row in sources.geonames:
        context.geonames_by_postcode[row["zipcode"]].append(row)
    check(
        set(context.arrondissement) == {p.postcode for p in sources.places},
        "the two postcode files do not cover the same postcodes",
    )

    prefixes = arrondissement_codes(context)
    wrong = find_wrong_places(context, prefixes)
    report.section(f"Wrong NIS codes in rubenv_belgium_zipcodes_cities.csv ({len(wrong)} rows)")
    for place in sorted(sources.places, key=lambda p: (p.postcode, p.name)):
        if id(place) in wrong:
            nis, how = repair_place(place, context, prefixes, wrong)
            place.nis = nis
            name = municipality_label(nis, municipalities)
            main = " [main place]" if place.main else ""
            reason = wrong[id(place)]
            report.add(f"{place.postcode} {place.name}{main}: {reason}; -> {nis} {name}, by {how}")
        else:
            place.nis = context.to_2020(place.nis_2013)
    return context


def postcode_municipality(places, context):
    """The current municipality of a postcode: its main place's, else most of its places'."""
    mains = [p for p in places if p.main]
    check(len(mains) <= 1, f"postcode {places[0].postcode} has {len(mains)} main places")
    if mains:
        return context.to_current(mains[0].nis), mains[0]
    votes = Counter(context.to_current(p.nis) for p in places).most_common()
    check(
        len(votes) == 1 or votes[0][1] > votes[1][1],
        f"postcode {places[0].postcode}: no majority among {votes}",
    )
    return votes[0][0], None


def municipality_label(nis, municipalities):
    """The name people use: French in Wallonia, Dutch in Flanders and Brussels."""
    row = municipalities[nis]
    return row["name_fr"] if row["region"] == "wallonia" else row["name_nl"]


def place_label(place, context):
    municipalities = context.municipalities
    row = municipalities[place.nis]
    if simplify(place.name) in {simplify(row["name_nl"]), simplify(row["name_fr"])}:
        return municipality_label(place.nis, municipalities)
    name = place.name
    if row["region"] == "wallonia":
        name = WALLOON_PLACE_NAMES.get(name, name)
    # GeoNames sometimes keeps an accent rubenv lost ("Brasménil"); take the richer spelling.
    for other in context.geonames_by_postcode[place.postcode]:
        if simplify(other["place"]) == simplify(name) and accents(other["place"]) > accents(name):
            name = other["place"]
    return tidy_place_name(name)


def accents(text):
    return sum(1 for char in text if ord(char) > 127)


def build_postcodes(sources, municipalities, report):
    context = resolve_places(sources, municipalities, report)
    by_postcode = defaultdict(list)
    for place in sources.places:
        by_postcode[place.postcode].append(place)

    postcodes = []
    for code in sorted(by_postcode):
        places = by_postcode[code]
        nis, main = postcode_municipality(places, context)
        if main:
            name = place_label(main, context)
        elif len(places) == 1:
            name = place_label(places[0], context)
        else:
            # Several places and none is the main one: the postcode stands for their municipality
            # as it was before 2025 (Hoeselt rather than Bilzen-Hoeselt).
            before_2025 = Counter(p.nis for p in places).most_common(1)[0][0]
            name = municipality_label(before_2025, municipalities)
        points = [
            (float(row["latitude"]), float(row["longitude"]))
            for row in context.geonames_by_postcode[code]
        ]
        latitude = sum(p[0] for p in points) / len(points)
        longitude = sum(p[1] for p in points) / len(points)
        check(
            LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]
            and LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1],
            f"postcode {code}: ({latitude}, {longitude}) lies outside Belgium",
        )
        check(not municipalities[nis]["merged_into_nis"], f"postcode {code} maps to merged {nis}")
        postcodes.append(
            {
                "code": code,
                "name": name,
                "municipality_nis": nis,
                "latitude": f"{latitude:.4f}",
                "longitude": f"{longitude:.4f}",
            }
        )

    report.section("Postcodes")
    report.add(f"{len(postcodes)} postcodes from {len(sources.places)} places")
    report.add("coordinates: mean of the postcode's GeoNames places")
    check(
        len(postcodes) == EXPECTED_COUNTS["postcodes"],
        f"expected 1146 postcodes, got {len(postcodes)}",
    )
    found = {row["code"]: row["municipality_nis"] for row in postcodes}
    for code, nis in EXPECTED_POSTCODES.items():
        check(found.get(code) == nis, f"postcode {code} maps to {found.get(code)}, expected {nis}")
    without = sorted(
        nis
        for nis, row in municipalities.items()
        if not row["merged_into_nis"] and nis not in found.values()
    )
    check(not without, f"current municipalities without a postcode: {without}")
    check(municipalities["73109"]["province_nis"] == "70000", "Voeren must lie in Limburg")
    return postcodes


# ---------------------------------------------------------------------------------------------
# Sectors, service categories, regions


def build_sectors(report):
    report.section("Sectors")
    sectors = [
        {"code": code, "name_nl": nl, "name_fr": fr, "name_en": en}
        for code, nl, fr, en in NACE_SECTIONS
    ]
    codes = [s["code"] for s in sectors]
    check(codes == [chr(c) for c in range(ord("A"), ord("V") + 1)], "NACE sections must run A to V")
    report.add(f"{len(sectors)} NACE-BEL 2025 sections")
    return sectors


def build_service_categories(report):
    report.section("Service categories")
    categories = [
        {"slug": slug, "position": str(index * 10), "name_nl": nl, "name_fr": fr, "name_en": en}
        for index, (slug, nl, fr, en) in enumerate(SERVICE_CATEGORIES, start=1)
    ]
    check(
        len({c["slug"] for c in categories}) == len(categories), "duplicate service category slug"
    )
    report.add(f"{len(categories)} service categories")
    return sorted(categories, key=lambda c: c["slug"])


def build_regions(municipalities, report):
    report.section("Regions")
    current_flemish = {
        row["name_nl"]: nis
        for nis, row in municipalities.items()
        if not row["merged_into_nis"] and row["region"] == "flanders"
    }
    check(
        len(current_flemish) == EXPECTED_COUNTS["flemish"],
        "Flemish municipality names are not unique",
    )
    regions = []
    for region in REGIONS:
        if region["kind"] == "province":
            members = [
                nis
                for nis, row in municipalities.items()
                if not row["merged_into_nis"] and row["province_nis"] == region["province"]
            ]
        else:
            missing = [name for name in region["members"] if name not in current_flemish]
            check(not missing, f"region {region['name']}: unknown municipalities {missing}")
            members = [current_flemish[name] for name in region["members"]]
        regions.append(
            {
                "slug": region["slug"],
                "name": region["name"],
                "kind": region["kind"],
                "province_nis": region.get("province", ""),
                "municipality_nis": " ".join(sorted(members)),
            }
        )
        report.add(f"{region['name']} ({region['kind']}): {len(members)} municipalities")
    return sorted(regions, key=lambda r: r["slug"])


# ---------------------------------------------------------------------------------------------
# Writing


FILES = {
    "provinces.csv": ["nis_code", "slug", "name_nl", "name_fr", "name_en", "region"],
    "municipalities.csv": [
        "nis_code",
        "name_nl",
        "name_fr",
        "province_nis",
        "region",
        "merged_into_nis",
        "merged_on",
    ],
    "postcodes.csv": ["code", "name", "municipality_nis", "latitude", "longitude"],
    "sectors.csv": ["code", "name_nl", "name_fr", "name_en"],
    "service_categories.csv": ["slug", "position", "name_nl", "name_fr", "name_en"],
    "regions.csv": ["slug", "name", "kind", "province_nis", "municipality_nis"],
}


def write_csv(path, fields, rows):
    # Fixed line endings and quoting keep the output byte-for-byte reproducible.
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build(source, out, report):
    sources = read_sources(source)
    provinces = build_provinces(sources, report)
    municipalities = build_municipalities(sources, report)
    postcodes = build_postcodes(sources, municipalities, report)
    tables = {
        "provinces.csv": provinces,
        "municipalities.csv": list(municipalities.values()),
        "postcodes.csv": postcodes,
        "sectors.csv": build_sectors(report),
        "service_categories.csv": build_service_categories(report),
        "regions.csv": build_regions(municipalities, report),
    }
    out.mkdir(parents=True, exist_ok=True)
    for filename, rows in tables.items():
        write_csv(out / filename, FILES[filename], rows)
    shapes, vertices = build_outlines(source / "municipalities_boundaries.geojson", out)
    report.section(f"Wrote {len(tables) + 1} files to {out}")
    report.add(f"municipality outlines: {shapes} municipalities, {vertices} vertices")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="raw sources")
    parser.add_argument("--out", type=Path, default=HERE, help="where to write the CSV files")
    args = parser.parse_args(argv)
    report = Report()
    try:
        build(args.source, args.out, report)
    except BuildError as error:
        report.print()
        print(f"BUILD FAILED: {error}", file=sys.stderr)
        return 1
    report.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
