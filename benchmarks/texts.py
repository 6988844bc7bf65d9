"""Dutch-sounding names and texts for generated volume data (benchmarks/generator.py).

Every organisation, person and text made from these lists is fictional. Each function takes the
generator's random.Random, so the same seed gives the same words.
"""

# The word lists are kept compact, several words a line.
# fmt: off
SURNAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Vermeulen", "Van den Broeck", "Hermans", "Michiels", "Lambrechts",
    "Verstraeten", "De Clercq", "Coppens", "Van Damme", "Pauwels", "Martens", "Aerts", "Cools",
    "Smets", "Bosmans", "De Backer", "Segers", "Stevens", "Hendrickx", "Verhoeven", "Thys",
    "Vandenberghe", "Van Dyck", "De Vos", "Claeys", "Wuyts", "Verbruggen", "Baert", "Geerts",
    "Van de Velde", "Mortier", "Vercammen", "De Wilde", "Huysmans", "Lemmens", "Vanhove",
    "Desmedt", "Schepers", "Van Hecke", "Dewulf", "Bogaert", "Verlinden", "Roels", "Nijs",
    "Van Looy", "Brouwers", "Verschueren", "Govaerts", "Vanderstraeten", "Heylen", "Claessens",
    "Vanlommel", "Daems", "Van Gorp", "Luyten", "Vranckx", "Noens", "Poelmans", "Gielen",
    "Ceulemans", "Verbeke", "Debaere", "Vandamme", "Ghijs", "Ramaekers", "Bollen", "Jaspers",
    "El Amrani", "Yilmaz", "Kaya", "Nguyen", "Kowalski",
]

FIRST_NAMES = [
    "An", "Bart", "Els", "Tom", "Sofie", "Pieter", "Lien", "Koen", "Sara", "Wim", "Katrien",
    "Jan", "Nathalie", "Joris", "Eva", "Stijn", "Hilde", "Dirk", "Leen", "Maarten", "Inge",
    "Kristof", "Fatima", "Mohamed", "Yusuf", "Ayşe", "Dries", "Hanne", "Jonas", "Marie", "Lotte",
    "Ruben", "Griet", "Wouter", "Annelies", "Karim", "Nele", "Frederik", "Ilse", "Sven",
]

# Landstreken: a firm often takes the name of its area.
AREAS = [
    "Kempen", "Haspengouw", "Meetjesland", "Waasland", "Pajottenland", "Westhoek", "Hageland",
    "Voorkempen", "Leiestreek", "Denderstreek", "Rupelstreek", "Maasland", "Noorderkempen",
    "Vlaamse Ardennen", "Scheldeland", "Brabantse Wouden", "Zuiderkempen", "Polders",
    "Mijnstreek", "Dijleland",
]

LEGAL_FORMS = ["BV", "NV", "CommV", "CV"]

# What a regular firm does, by NACE-BEL section: (trade words for names, vacancy titles).
SECTOR_WORDS = {
    "A": (["Fruitbedrijf", "Boomkwekerij", "Serrebedrijf", "Hoeve", "Tuinbouw"],
          ["Seizoensarbeider fruitteelt", "Medewerker serreteelt", "Medewerker boomkwekerij",
           "Tractorbestuurder"]),
    "C": (["Metaalwerken", "Verpakkingen", "Bakkerij", "Drukkerij", "Schrijnwerkerij",
           "Kunststoffen", "Voeding", "Brouwerij", "Textiel", "Machinebouw"],
          ["Productiemedewerker", "Operator verpakkingslijn", "Lasser", "Bakker",
           "Machineoperator", "Medewerker kwaliteitscontrole", "Schrijnwerker", "Drukker"]),
    "E": (["Recyclage", "Afvalbeheer", "Milieudiensten"],
          ["Medewerker containerpark", "Sorteerder recyclage", "Chauffeur afvalophaling"]),
    "F": (["Bouw", "Renovatie", "Dakwerken", "Schilderwerken", "Elektriciteit", "Sanitair"],
          ["Metselaar", "Dakwerker", "Schilder", "Hulparbeider bouw", "Elektricien",
           "Loodgieter", "Vloerder"]),
    "G": (["Handel", "Groothandel", "Tuincentrum", "Bouwmaterialen", "Fietsen", "Interieur"],
          ["Winkelbediende", "Kassamedewerker", "Magazijnier", "Verkoopmedewerker",
           "Rekkenvuller"]),
    "H": (["Transport", "Logistiek", "Koeriers", "Distributie"],
          ["Chauffeur C", "Heftruckchauffeur", "Orderpicker", "Magazijnmedewerker",
           "Koerier"]),
    "I": (["Brasserie", "Hotel", "Traiteur", "Restaurant", "Feestzalen"],
          ["Keukenhulp", "Afwasser", "Zaalmedewerker", "Kamermeisje", "Hulpkok",
           "Medewerker ontbijtservice"]),
    "K": (["IT", "Software", "Datadiensten"],
          ["Helpdeskmedewerker", "Data-encodeerder", "Medewerker digitalisering"]),
    "M": (["Vastgoed", "Immo"],
          ["Technisch conciërge", "Medewerker gebouwenbeheer"]),
    "N": (["Studiebureau", "Ingenieursbureau", "Labo"],
          ["Administratief medewerker", "Laborant", "Archiefmedewerker"]),
    "O": (["Schoonmaak", "Facility", "Groenservice", "Beveiliging"],
          ["Schoonmaker", "Groenarbeider", "Onthaalmedewerker", "Medewerker facility"]),
    "T": (["Wasserij", "Kapsalon", "Herstellingen"],
          ["Medewerker wasserij", "Strijker", "Hersteller"]),
}

GENERIC_VACANCY_TITLES = [
    "Administratief medewerker", "Technisch onderhoudsmedewerker", "Magazijnmedewerker",
    "Logistiek medewerker", "Onthaalmedewerker", "Schoonmaakmedewerker",
]

SCHOOL_NAMES = [
    "Basisschool De Regenboog", "Basisschool De Linde", "Sint-Jozefscollege",
    "Sint-Lutgardisschool", "GO! Atheneum", "Technisch Instituut Sint-Vincentius",
    "Vrije Basisschool De Kleine Prins", "Gemeentelijke Basisschool", "Sint-Ursula-Instituut",
    "Centrum voor Volwassenenonderwijs", "Hotelschool", "Tuinbouwschool",
]
SCHOOL_VACANCY_TITLES = ["Schoonmaker school", "Keukenmedewerker school", "Klusjesman school",
                         "Administratief medewerker secretariaat"]

PUBLIC_NAMES = ["Gemeente", "OCMW", "Politiezone", "Lokaal Bestuur", "Stadsdiensten",
                "Intergemeentelijk Samenwerkingsverband", "Woonzorgcentrum"]
PUBLIC_VACANCY_TITLES = ["Medewerker groendienst", "Medewerker technische dienst",
                         "Poetshulp", "Medewerker containerpark", "Onthaalmedewerker"]

NONPROFIT_NAMES = ["Jeugdhuis", "Sportclub", "Cultuurcentrum", "Buurtwerk", "Woonzorgnet",
                   "Speelpleinwerking", "Welzijnsschakel", "Vrijetijdscentrum"]
NONPROFIT_VACANCY_TITLES = ["Medewerker onthaal en bar", "Logistiek medewerker zorg",
                            "Begeleider vrije tijd", "Medewerker onderhoud"]
NONPROFIT_WORDS = ["De Brug", "Het Anker", "De Sleutel", "Den Azalee", "De Kade", "Het Open Huis",
                   "De Zonnewende", "'t Klavertje", "De Wending", "Samen Sterk"]

# Social enterprises: name words that tell what they do, by service category slug.
SOCIAL_WORDS = {
    "groenonderhoud": ["Groenwerk", "Groenploeg", "Tuinwerk"],
    "schoonmaak": ["Poetsdienst", "Schoonmaakploeg", "Netjes"],
    "verpakking-assemblage": ["Werkhuis", "Atelier", "Maatwerkbedrijf"],
    "logistiek-opslag": ["Logistiek Werkhuis", "Opslagcentrum"],
    "catering": ["Sociaal Restaurant", "Buurtkeuken", "Traiteur Samen"],
    "was-strijk-naaiwerk": ["Strijkwinkel", "Naaiatelier", "Wasserij"],
    "fietsherstel": ["Fietspunt", "Fietsatelier"],
    "hergebruik-kringwinkel": ["Kringwinkel", "Hergebruikcentrum", "Spullenhulp"],
    "digitalisering": ["Scanpunt", "Dataatelier"],
    "bouw-renovatie": ["Renovatieploeg", "Bouwatelier"],
    "metaalbewerking": ["Metaalatelier"],
    "houtbewerking": ["Houtatelier", "Schrijnwerkerij"],
    "drukwerk-mailing": ["Mailingcentrum", "Drukwerkatelier"],
    "verhuis-transport": ["Verhuisploeg", "Transportdienst"],
    "recyclage-demontage": ["Demontagecentrum", "Recyclagewerkplaats"],
    "onthaal-administratie": ["Onthaalpunt", "Administratiedienst"],
    "huishoudhulp-zorg": ["Dienstenchequebedrijf", "Thuishulp"],
    "evenementen-horeca": ["Evenementenploeg", "Feestdienst"],
    "land-tuinbouw": ["Zorgboerderij", "Tuinderij"],
    "klusjes-onderhoud": ["Klusjesdienst", "Klussenploeg"],
}

# What a social enterprise's service does (OfferedService.description) and what a firm asks.
SERVICE_TEXTS = {
    "groenonderhoud": ("Maaien, snoeien en onkruid wieden op bedrijfsterreinen en in parken.",
                       ["Groenonderhoud bedrijfsterrein", "Maaien en snoeien rond ons gebouw",
                        "Onderhoud van de schoolomgeving"],
                       ["2.000 m² gazon om de twee weken", "Hagen van 300 m, twee keer per jaar"]),
    "schoonmaak": ("Schoonmaak van kantoren, scholen en sanitair, ook buiten de kantooruren.",
                   ["Schoonmaak kantoren", "Wekelijkse schoonmaak refter en sanitair",
                    "Ramen wassen"],
                   ["600 m² kantoor, drie avonden per week", "Twee verdiepingen, elke vrijdag"]),
    "verpakking-assemblage": ("Verpakken, labelen, assembleren en ompakken in ons atelier.",
                              ["Ompakken van promotiepakketten", "Assemblage van onderdelen",
                               "Labelen van flessen"],
                              ["5.000 dozen per maand", "12.000 stuks in drie weken"]),
    "logistiek-opslag": ("Opslag, orderpicking en voorraadbeheer voor kleine en grote klanten.",
                         ["Tijdelijke opslag van pallets", "Orderpicking webshop"],
                         ["40 paletplaatsen", "300 orders per week"]),
    "catering": ("Broodjes, soep en warme maaltijden voor vergaderingen en personeel.",
                 ["Lunch voor personeelsdag", "Dagelijkse maaltijden voor ons personeel"],
                 ["80 broodjesmaaltijden", "45 warme maaltijden per dag"]),
    "was-strijk-naaiwerk": ("Was, strijk en herstellingen van werkkledij en linnen.",
                            ["Was en strijk van werkkledij", "Herstellen van gordijnen"],
                            ["150 kg linnen per week", "60 werkpakken per maand"]),
    "fietsherstel": ("Onderhoud en herstelling van fietsen en bedrijfsfietsen op locatie.",
                     ["Onderhoud bedrijfsfietsen", "Fietsherstelling voor personeel"],
                     ["25 bedrijfsfietsen, jaarlijks nazicht", "Een herstelmoment per maand"]),
    "hergebruik-kringwinkel": ("Ophalen, sorteren en verkopen van herbruikbare goederen.",
                               ["Ophalen van afgedankt kantoormeubilair",
                                "Leegmaken van een gebouw"],
                               ["120 bureaustoelen", "Drie verdiepingen meubilair"]),
    "digitalisering": ("Scannen, indexeren en invoeren van documenten en archieven.",
                       ["Digitaliseren van ons archief", "Data-invoer van inschrijvingen"],
                       ["40 archiefdozen", "8.000 formulieren"]),
    "bouw-renovatie": ("Kleine renovaties, schilderwerk en afwerking door begeleide ploegen.",
                       ["Schilderwerk kantoren", "Renovatie van een kleedruimte"],
                       ["450 m² muren", "Twee lokalen"]),
    "metaalbewerking": ("Lassen, plooien en afwerken van metalen onderdelen in kleine reeksen.",
                        ["Lassen van frames", "Afwerking metalen onderdelen"],
                        ["200 frames", "Reeksen van 500 stuks"]),
    "houtbewerking": ("Maatwerk in hout: meubels, paletten, speeltuigen en herstellingen.",
                      ["Maken van plantenbakken", "Herstellen van paletten"],
                      ["30 plantenbakken", "500 paletten per maand"]),
    "drukwerk-mailing": ("Drukwerk, couverteren en verzenden van mailings.",
                         ["Couverteren van een mailing", "Drukwerk nieuwsbrief"],
                         ["12.000 brieven", "Een nieuwsbrief per kwartaal"]),
    "verhuis-transport": ("Verhuizen van kantoren en transport van goederen met eigen wagens.",
                          ["Verhuis van ons kantoor", "Transport naar evenementen"],
                          ["40 werkplekken", "Twee ritten per week"]),
    "recyclage-demontage": ("Demonteren en sorteren van elektrische toestellen en materialen.",
                            ["Demontage van oude pc's", "Sorteren van restmateriaal"],
                            ["300 computers", "Twee containers per maand"]),
    "onthaal-administratie": ("Onthaal, telefoon en administratieve ondersteuning.",
                              ["Onthaal tijdens evenementen", "Administratieve ondersteuning"],
                              ["Drie dagen per week", "Tijdens de zomermaanden"]),
    "huishoudhulp-zorg": ("Huishoudhulp met dienstencheques en ondersteuning aan huis.",
                          ["Huishoudhulp voor bewoners", "Poetshulp voor assistentiewoningen"],
                          ["20 woningen", "Vier uur per week per woning"]),
    "evenementen-horeca": ("Op- en afbouw, bar en onthaal op evenementen.",
                           ["Op- en afbouw van ons zomerfeest", "Barpersoneel voor een beurs"],
                           ["Eén weekend", "Zes medewerkers, twee dagen"]),
    "land-tuinbouw": ("Teelt van groenten en kleinfruit, plukhulp en zorgboerderij.",
                      ["Plukhulp in de fruitteelt", "Onderhoud van een moestuin"],
                      ["Drie weken in augustus", "500 m² moestuin"]),
    "klusjes-onderhoud": ("Klusjes, kleine herstellingen en technisch onderhoud van gebouwen.",
                          ["Klein onderhoud van ons gebouw", "Herstellingen in huurwoningen"],
                          ["Een dag per week", "35 woningen"]),
}

# Which NACE-BEL sections a social enterprise offering a service works in.
SERVICE_SECTORS = {
    "groenonderhoud": "OA", "schoonmaak": "O", "verpakking-assemblage": "CO",
    "logistiek-opslag": "H", "catering": "I", "was-strijk-naaiwerk": "TC", "fietsherstel": "GT",
    "hergebruik-kringwinkel": "G", "digitalisering": "OK", "bouw-renovatie": "F",
    "metaalbewerking": "C", "houtbewerking": "C", "drukwerk-mailing": "CO",
    "verhuis-transport": "H", "recyclage-demontage": "E", "onthaal-administratie": "O",
    "huishoudhulp-zorg": "TR", "evenementen-horeca": "IS", "land-tuinbouw": "A",
    "klusjes-onderhoud": "FT",
}

STREETS = [
    "Kerkstraat", "Stationsstraat", "Dorpsstraat", "Industrielaan", "Molenstraat", "Nieuwstraat",
    "Schoolstraat", "Kapelstraat", "Meensesteenweg", "Brugsesteenweg", "Gentsesteenweg",
    "Antwerpsesteenweg", "Tiensesteenweg", "Hasseltsesteenweg", "Ambachtenlaan", "Zandstraat",
    "Veldstraat", "Lindelaan", "Beukenlaan", "Nijverheidsstraat", "Kouter", "Markt",
    "Grote Markt", "Ringlaan", "Boomsesteenweg", "Mechelsesteenweg", "Leuvensestraat",
    "Hoogstraat", "Bosstraat", "Kasteelstraat", "Vaartkaai", "Havenlaan", "Europalaan",
]

DESCRIPTIONS = {
    "regular": [
        "Familiebedrijf in {trade} sinds {year}, met een vaste ploeg in {place}.",
        "Wij zijn actief in {trade} voor klanten in heel Vlaanderen.",
        "Actief in {trade}, met oog voor vakmanschap en duurzaam ondernemen, in {place}.",
        "Groeiende kmo in {trade} die graag samenwerkt met de sociale economie.",
    ],
    "social": [
        "Sociale onderneming in {place} die werk op maat biedt aan mensen met een afstand "
        "tot de arbeidsmarkt.",
        "Onze begeleide ploegen werken voor bedrijven, scholen en lokale besturen in de regio.",
        "Maatwerk voor klanten uit de buurt: kwaliteit, betrouwbaarheid en een sociaal "
        "verhaal.",
        "Wij combineren {trade} met opleiding en begeleiding op de werkvloer.",
    ],
    "public": [
        "Lokaal bestuur dat sociale clausules opneemt in zijn aankopen.",
        "Openbare dienst in {place} die werk maakt van sociaal ondernemen.",
    ],
    "school": [
        "School in {place} met aandacht voor duurzame aankopen en samenwerking met de buurt.",
        "Onderwijsinstelling die stages en werkplekleren aanbiedt.",
    ],
    "nonprofit": [
        "Vereniging in {place} die mensen samenbrengt rond vrije tijd en welzijn.",
        "Vzw met vrijwilligers en een kleine vaste ploeg.",
    ],
}

VACANCY_TEXTS = [
    "Je werkt in een hecht team in {place} en krijgt een degelijke opleiding op de werkvloer.",
    "Wij zoeken een gemotiveerde collega. Ervaring is mooi meegenomen, maar niet vereist.",
    "Je start met een inwerkperiode samen met een ervaren collega. Flexibele uren bespreekbaar.",
    "Een afwisselende job met vaste werkuren en een correct loon volgens het paritair comité.",
    "Doorgroeien is mogelijk; we bieden opleidingen en een vaste mentor.",
]

REQUEST_TEXTS = [
    "Wij zoeken een betrouwbare partner uit de sociale economie voor deze opdracht in {place}.",
    "Graag een offerte met planning; de opdracht kan in fasen worden uitgevoerd.",
    "Bij tevredenheid willen we er een vaste samenwerking van maken.",
    "Toegang tot het terrein is voorzien; materiaal mag ter plaatse blijven.",
]

INTENDED_USES = [
    "Een eerste opdracht om kennis te maken: {service} in onze vestiging.",
    "Wij willen {service} uitbesteden en eerst een proefperiode doen.",
    "Kennismaking met een sociale onderneming uit de buurt voor {service}.",
]

REJECTION_REASONS = [
    "De firma ligt buiten het werkingsgebied van het programma.",
    "De gevraagde dienst valt buiten de voorwaarden van het programma.",
    "Het maximum aantal cheques voor deze onderneming is bereikt.",
]

SECTOR_TRADES = {
    "A": "land- en tuinbouw", "C": "productie", "E": "afvalbeheer", "F": "bouw en renovatie",
    "G": "handel", "H": "transport en logistiek", "I": "horeca", "K": "IT-diensten",
    "M": "vastgoed", "N": "technisch advies", "O": "facilitaire diensten",
    "P": "openbare dienstverlening", "Q": "onderwijs", "R": "zorg en welzijn",
    "S": "cultuur en sport", "T": "dienstverlening",
}
# fmt: on


def organisation_name(rng, kind, *, place, category=None, sector=None):
    """A name that sounds like a Flemish organisation of this kind in `place`."""
    if kind == "social":
        word = rng.choice(SOCIAL_WORDS.get(category, ["Werkhuis"]))
        pattern = rng.random()
        if pattern < 0.5:
            return f"{word} {place}"
        if pattern < 0.8:
            return f"{word} {rng.choice(AREAS)}"
        return f"{word} {rng.choice(NONPROFIT_WORDS)}"
    if kind == "school":
        return f"{rng.choice(SCHOOL_NAMES)} {place}"
    if kind == "public":
        return f"{rng.choice(PUBLIC_NAMES)} {place}"
    if kind == "nonprofit":
        return f"{rng.choice(NONPROFIT_NAMES)} {rng.choice(NONPROFIT_WORDS)}"
    trade = rng.choice(SECTOR_WORDS.get(sector, SECTOR_WORDS["G"])[0])
    surname = rng.choice(SURNAMES)
    pattern = rng.random()
    if pattern < 0.35:
        name = f"{trade} {surname}"
    elif pattern < 0.6:
        name = f"{surname} {trade}"
    elif pattern < 0.75:
        name = f"{trade} {rng.choice(AREAS)}"
    elif pattern < 0.9:
        name = f"{surname} & {rng.choice(SURNAMES)}"
    else:
        name = f"{trade} {place}"
    if rng.random() < 0.4:
        name = f"{name} {rng.choice(LEGAL_FORMS)}"
    return name


def trade(sector):
    """What an organisation in this NACE-BEL section does, in a few words."""
    return SECTOR_TRADES.get(sector, "dienstverlening")


def description(rng, kind, *, place, trade):
    return rng.choice(DESCRIPTIONS[kind]).format(
        place=place, trade=trade, year=rng.randint(1950, 2018)
    )


def person_name(rng):
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def street(rng):
    return f"{rng.choice(STREETS)} {rng.randint(1, 250)}"


def vacancy_title(rng, *, kind, sector):
    if kind == "school":
        return rng.choice(SCHOOL_VACANCY_TITLES)
    if kind == "public":
        return rng.choice(PUBLIC_VACANCY_TITLES)
    if kind == "nonprofit":
        return rng.choice(NONPROFIT_VACANCY_TITLES)
    titles = SECTOR_WORDS.get(sector, (None, GENERIC_VACANCY_TITLES))[1]
    return rng.choice(titles)


def vacancy_description(rng, *, place):
    first, second = rng.sample(VACANCY_TEXTS, 2)
    return f"{first.format(place=place)} {second.format(place=place)}"


def request_title(rng, category):
    return rng.choice(SERVICE_TEXTS[category][1])


def request_description(rng, *, place):
    first, second = rng.sample(REQUEST_TEXTS, 2)
    return f"{first.format(place=place)} {second.format(place=place)}"


def volume(rng, category):
    return rng.choice(SERVICE_TEXTS[category][2])


def service_description(category):
    return SERVICE_TEXTS[category][0]


def intended_use(rng, service):
    return rng.choice(INTENDED_USES).format(service=service.lower())
