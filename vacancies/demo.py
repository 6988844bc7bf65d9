"""Demo vacancies and service requests, posted by the firms, public bodies, schools and
non-profits of companies/demo.py (seed_demo runs this after the companies' part).

Most lie in the four seeded regions (Zuidoost-Limburg, Handel Samen & Sociaal, SEVA and
Vlaams-Brabant), the rest elsewhere in Flanders. Dates are relative to the day of seeding: most
are published and close in the coming weeks, some are drafts, a few expired or closed. Every item
has a fixed code (its position in the list: append, never reorder), so seeding again updates the
same rows. The organisations and the work are fictional.
"""

from datetime import datetime, time, timedelta
from typing import NamedTuple

from django.utils import timezone

from companies.demo import ORGANISATIONS, demo_enterprise_number
from companies.models import Organisation
from portal.models import Postcode, Sector, ServiceCategory

from . import lifecycle, search
from .models import ClosedReason, ServiceRequest, Status, Support, Vacancy

# What makes a vacancy open to doorstroom (slugs of the Support rows, migration 0003).
TRAINING = "opleiding-op-de-werkvloer"
ADAPTED = "aangepaste-werkplek"
MENTOR = "mentor"
NO_DIPLOMA = "geen-diploma"
COACHING = "jobcoaching"
PART_TIME = "deeltijds"
DUTCH = "taalondersteuning"
TRIAL = "proefperiode-stage"


class DemoVacancy(NamedTuple):
    poster: str
    postcode: str  # empty: the poster's own
    title: str
    sector: str  # NACE-BEL 2025 section
    contract: str
    hours: int
    supports: tuple
    description: str


class DemoRequest(NamedTuple):
    poster: str
    postcode: str
    title: str
    category: str  # ServiceCategory slug
    volume: str
    budget: str  # BudgetBand value, or ""
    weeks: int  # how long the work lasts
    description: str


V = DemoVacancy
R = DemoRequest

VACANCIES = [
    # Zuidoost-Limburg
    V(
        "Bakkerij Mergelland",
        "",
        "Hulpbakker (m/v/x)",
        "C",
        "permanent",
        38,
        (TRAINING, NO_DIPLOMA, MENTOR),
        "Je helpt 's ochtends in ons bakatelier: deeg afwegen, broden vormen en de ovens laden. "
        "Een ervaren bakker leert je het vak stap voor stap. Start om 5 uur, vrij op zondag.",
    ),
    V(
        "Bakkerij Mergelland",
        "3700",
        "Verkoper bakkerijwinkel Tongeren",
        "G",
        "fixed_term",
        24,
        (PART_TIME, MENTOR, DUTCH),
        "Klanten bedienen, brood snijden en verpakken, de kassa afsluiten. Weekendwerk in "
        "beurtrol. Je werkt in een team van vier; een collega begeleidt je de eerste weken.",
    ),
    V(
        "Bakkerij Mergelland",
        "",
        "Chauffeur-leverancier broodronde",
        "H",
        "permanent",
        30,
        (NO_DIPLOMA,),
        "Met de bestelwagen leveren aan restaurants, scholen en woonzorgcentra in Haspengouw. "
        "Rijbewijs B nodig; de ronde leer je de eerste week samen met een collega.",
    ),
    V(
        "Fruitbedrijf Voerstreek",
        "",
        "Seizoensmedewerker fruitpluk",
        "A",
        "fixed_term",
        38,
        (NO_DIPLOMA, TRAINING, DUTCH),
        "Van half augustus tot eind oktober appels en peren plukken in onze boomgaarden. Buiten "
        "werken in een ploeg; we tonen hoe je pluk zonder het fruit te kneuzen.",
    ),
    V(
        "Fruitbedrijf Voerstreek",
        "",
        "Medewerker fruitsortering",
        "A",
        "fixed_term",
        30,
        (ADAPTED, COACHING, PART_TIME),
        "Fruit sorteren aan de band en kisten klaarzetten voor de veiling. Zittend werk is "
        "mogelijk; de sorteerlijn is aangepast aan wie er werkt.",
    ),
    V(
        "Fruitbedrijf Voerstreek",
        "3798",
        "Tractorchauffeur boomgaard",
        "A",
        "permanent",
        38,
        (TRAINING, TRIAL),
        "Maaien tussen de rijen, spuiten en fruitkisten vervoeren met de tractor. Rijbewijs G "
        "is een plus; anders betalen wij de opleiding.",
    ),
    V(
        "Basisschool De Linde",
        "",
        "Polyvalent onderhoudsmedewerker school",
        "Q",
        "permanent",
        32,
        (COACHING, NO_DIPLOMA, MENTOR),
        "Kleine herstellingen, de moestuin en de speelplaats bijhouden, helpen bij de "
        "middagopvang. Je werkt samen met de conciërge.",
    ),
    V(
        "Basisschool De Linde",
        "",
        "Medewerker middagtoezicht",
        "Q",
        "fixed_term",
        8,
        (PART_TIME, NO_DIPLOMA),
        "Toezicht tijdens de middagpauze op de speelplaats en in de refter, elke schooldag van "
        "12 tot 13.30 uur.",
    ),
    V(
        "Hotel De Mergel",
        "",
        "Keukenhulp (m/v/x)",
        "I",
        "permanent",
        38,
        (TRAINING, NO_DIPLOMA, DUTCH),
        "Groenten snijden, mise-en-place, afwas en de keuken proper houden. Je werkt in een "
        "brigade van zes en leert elke week iets nieuws van de chef.",
    ),
    V(
        "Hotel De Mergel",
        "",
        "Kamermeisje / roomboy",
        "I",
        "permanent",
        25,
        (PART_TIME, TRAINING, MENTOR),
        "Hotelkamers schoonmaken en opmaken volgens onze checklist. Werken in de voormiddag, "
        "om het andere weekend.",
    ),
    V(
        "Hotel De Mergel",
        "",
        "Medewerker onthaal en ontbijtservice",
        "I",
        "fixed_term",
        30,
        (TRIAL, DUTCH),
        "Gasten verwelkomen aan het ontbijt, het buffet bijvullen en tafels afruimen. Je "
        "spreekt Nederlands en een beetje Frans of Engels.",
    ),
    V(
        "Hotel De Mergel",
        "",
        "Technisch medewerker hotel",
        "I",
        "permanent",
        38,
        (MENTOR, COACHING),
        "Lampen, kranen, deuren en meubels herstellen, de tuin en de parking bijhouden. Je "
        "werkt zelfstandig met een vaste planning.",
    ),
    V(
        "Stad Bilzen-Hoeselt",
        "",
        "Arbeider groendienst",
        "P",
        "permanent",
        38,
        (TRAINING, NO_DIPLOMA, ADAPTED),
        "Maaien, snoeien, plantvakken onderhouden en zwerfvuil ruimen in de deelgemeenten. Je "
        "werkt in een ploeg met een ploegbaas die je opleidt.",
    ),
    V(
        "Stad Bilzen-Hoeselt",
        "3742",
        "Medewerker sporthal",
        "P",
        "fixed_term",
        30,
        (MENTOR, PART_TIME),
        "Sporthal openen en sluiten, materiaal klaarzetten, kleine schoonmaak en onthaal van "
        "clubs. Avond- en weekendwerk in beurtrol.",
    ),
    V(
        "Stad Bilzen-Hoeselt",
        "3740",
        "Bibliotheekassistent",
        "P",
        "fixed_term",
        19,
        (PART_TIME, TRIAL),
        "Boeken uitlenen en terugplaatsen, bezoekers helpen aan de balie en bij de computers.",
    ),
    # Handel Samen & Sociaal
    V(
        "Verpakkingen Dender",
        "",
        "Productiemedewerker verpakking",
        "C",
        "permanent",
        38,
        (TRAINING, NO_DIPLOMA, COACHING),
        "De snijmachine en de vouwlijn bedienen, dozen stapelen en kwaliteit controleren. Werken "
        "in twee ploegen; een peter begeleidt je de eerste maanden.",
    ),
    V(
        "Verpakkingen Dender",
        "",
        "Magazijnmedewerker (m/v/x)",
        "H",
        "permanent",
        38,
        (TRAINING, TRIAL),
        "Goederen ontvangen, orders verzamelen en vrachtwagens laden met de heftruck. Geen "
        "heftruckattest? Dat behaal je bij ons.",
    ),
    V(
        "Verpakkingen Dender",
        "9320",
        "Heftruckchauffeur nachtploeg",
        "H",
        "permanent",
        38,
        (MENTOR,),
        "Paletten lossen en laden, stockplaatsen bijvullen tijdens de nacht. Heftruckattest "
        "vereist; ervaring mag je bij ons opdoen.",
    ),
    V(
        "Verpakkingen Dender",
        "",
        "Technieker onderhoud productielijnen",
        "C",
        "permanent",
        38,
        (TRAINING, MENTOR),
        "Preventief onderhoud en storingen aan de snijmachines en vouwlijnen. Technische "
        "opleiding of ervaring als hersteller.",
    ),
    V(
        "OCMW Ninove",
        "",
        "Logistiek medewerker woonzorgcentrum",
        "R",
        "permanent",
        30,
        (NO_DIPLOMA, COACHING, ADAPTED),
        "Maaltijden rondbrengen, linnen verdelen en kleine klussen in het woonzorgcentrum.",
    ),
    V(
        "OCMW Ninove",
        "",
        "Poetshulp thuiszorg",
        "R",
        "fixed_term",
        25,
        (PART_TIME, TRAINING, DUTCH),
        "Poetsen bij oudere inwoners thuis, met een vaste klantenlijst in Ninove. Je krijgt een "
        "opleiding en je verplaatsingen worden vergoed.",
    ),
    V(
        "OCMW Ninove",
        "9400",
        "Administratief medewerker sociale dienst",
        "P",
        "fixed_term",
        38,
        (TRIAL, DUTCH),
        "Dossiers klaarmaken, telefoons beantwoorden en afspraken plannen voor de "
        "maatschappelijk werkers.",
    ),
    V(
        "Drukkerij Haaltert",
        "",
        "Operator afwerking drukwerk",
        "C",
        "permanent",
        38,
        (TRAINING, NO_DIPLOMA),
        "Snijden, plooien, nieten en inpakken van brochures en folders aan de afwerkingsmachines.",
    ),
    V(
        "Drukkerij Haaltert",
        "",
        "Hulparbeider mailing en verzending",
        "C",
        "interim",
        30,
        (ADAPTED, COACHING, NO_DIPLOMA),
        "Enveloppen vullen, adresseren en sorteren voor de post. Rustig en precies werk aan een "
        "aangepaste werktafel.",
    ),
    V(
        "Drukkerij Haaltert",
        "",
        "Prepress-medewerker",
        "J",
        "permanent",
        38,
        (TRIAL, MENTOR),
        "Drukklare bestanden controleren en drukplaten maken. Je kent de computer; het vak "
        "leren we je.",
    ),
    V(
        "Transport Erpe-Mere",
        "",
        "Chauffeur C koeltransport",
        "H",
        "permanent",
        40,
        (MENTOR, TRIAL),
        "Gekoelde leveringen aan supermarkten in Oost-Vlaanderen, dagritten zonder overnachting. "
        "Rijbewijs C en vakbekwaamheid; eerste week met een ervaren collega.",
    ),
    V(
        "Transport Erpe-Mere",
        "",
        "Medewerker voertuigwas en onderhoud",
        "H",
        "permanent",
        38,
        (NO_DIPLOMA, COACHING),
        "Vrachtwagens en koelcellen wassen, banden en vloeistoffen nakijken, kleine herstellingen.",
    ),
    V(
        "Transport Erpe-Mere",
        "9420",
        "Planner-dispatcher (opleiding)",
        "H",
        "training",
        38,
        (TRAINING, MENTOR),
        "Via een individuele beroepsopleiding (IBO) leer je ritten plannen en chauffeurs "
        "opvolgen. Daarna volgt een vast contract.",
    ),
    # SEVA
    V(
        "Brouwerij Scheldedal",
        "",
        "Productiemedewerker brouwerij",
        "C",
        "permanent",
        38,
        (TRAINING, NO_DIPLOMA),
        "Brouwketels reinigen, de bottellijn bedienen en bakken stapelen. We leren je het "
        "brouwproces van begin tot eind.",
    ),
    V(
        "Brouwerij Scheldedal",
        "",
        "Gids bezoekerscentrum (weekend)",
        "S",
        "flexi",
        12,
        (PART_TIME, DUTCH),
        "Groepen rondleiden in de brouwerij en het bezoekerscentrum, en proefglazen schenken. "
        "Op zaterdag en zondag.",
    ),
    V(
        "Brouwerij Scheldedal",
        "9700",
        "Medewerker bottelarij",
        "C",
        "interim",
        38,
        (ADAPTED, COACHING),
        "Flessen controleren aan de band, etiketten bijvullen, kratten stapelen.",
    ),
    V(
        "vzw Ardennenhuis",
        "",
        "Medewerker ontmoetingshuis",
        "T",
        "fixed_term",
        19,
        (PART_TIME, MENTOR, NO_DIPLOMA),
        "Koffie schenken, bezoekers onthalen en activiteiten mee klaarzetten in ons "
        "ontmoetingshuis.",
    ),
    V(
        "vzw Ardennenhuis",
        "9506",
        "Klusjesman ontmoetingshuis",
        "T",
        "fixed_term",
        15,
        (PART_TIME, COACHING),
        "Kleine herstellingen, schilderwerk en tuinonderhoud aan ons gebouw.",
    ),
    V(
        "Textiel Brakel",
        "",
        "Weversassistent",
        "C",
        "permanent",
        38,
        (TRAINING, NO_DIPLOMA, MENTOR),
        "De weefgetouwen bijvullen en bewaken, draadbreuken herstellen en rollen afnemen. "
        "Werken in drie ploegen.",
    ),
    V(
        "Textiel Brakel",
        "",
        "Kwaliteitscontroleur textiel",
        "C",
        "permanent",
        38,
        (ADAPTED, TRIAL),
        "Geweven doek controleren op fouten aan de keurtafel en rapporteren. Aandacht voor "
        "detail is belangrijker dan ervaring.",
    ),
    V(
        "Textiel Brakel",
        "9661",
        "Magazijnier grondstoffen",
        "H",
        "permanent",
        38,
        (TRAINING, NO_DIPLOMA),
        "Garen ontvangen, stockeren en klaarzetten voor de weverij.",
    ),
    V(
        "Gemeentelijke Basisschool Geraardsbergen",
        "",
        "Kinderbegeleider voor- en naschoolse opvang",
        "Q",
        "fixed_term",
        20,
        (PART_TIME, TRAINING),
        "Kinderen opvangen voor en na de lessen en tijdens de woensdagnamiddag.",
    ),
    V(
        "Gemeentelijke Basisschool Geraardsbergen",
        "",
        "Schoonmaakmedewerker school",
        "Q",
        "permanent",
        24,
        (NO_DIPLOMA, ADAPTED, PART_TIME),
        "Klassen, gangen en sanitair schoonmaken na de schooluren, van 15.30 tot 20.30 uur.",
    ),
    # Vlaams-Brabant
    V(
        "Logistiek Vilvoorde",
        "",
        "Orderpicker webwinkel",
        "H",
        "permanent",
        38,
        (TRAINING, NO_DIPLOMA, DUTCH),
        "Bestellingen verzamelen met een handscanner en klaarzetten voor verzending. Dagploeg "
        "van 7 tot 15.30 uur.",
    ),
    V(
        "Logistiek Vilvoorde",
        "",
        "Medewerker retourverwerking",
        "H",
        "permanent",
        30,
        (ADAPTED, COACHING, PART_TIME),
        "Teruggestuurde pakjes openen, controleren en terug in stock boeken.",
    ),
    V(
        "Logistiek Vilvoorde",
        "1830",
        "Reachtruckchauffeur",
        "H",
        "interim",
        38,
        (TRAINING, TRIAL),
        "Paletten stockeren en uithalen in de hoogbouwrekken. Attest reachtruck of bereid om "
        "het te halen.",
    ),
    V(
        "Logistiek Vilvoorde",
        "1800",
        "Teamleider magazijn (doorgroeifunctie)",
        "H",
        "permanent",
        38,
        (MENTOR,),
        "Je stuurt een ploeg van tien orderpickers aan. Ervaring als orderpicker volstaat: wij "
        "leiden je op tot teamleider.",
    ),
    V(
        "Brouwerij Hagelandse Hop",
        "",
        "Medewerker etikettering en verpakking",
        "C",
        "interim",
        30,
        (ADAPTED, COACHING, NO_DIPLOMA),
        "Flessen etiketteren, geschenkdozen vullen en paletten klaarmaken voor verzending.",
    ),
    V(
        "Brouwerij Hagelandse Hop",
        "",
        "Chauffeur-leverancier dranken",
        "H",
        "permanent",
        38,
        (MENTOR,),
        "Vaten en bakken leveren aan cafés in het Hageland, met laadklep. Rijbewijs C1.",
    ),
    V(
        "Brouwerij Hagelandse Hop",
        "3300",
        "Medewerker brouwerijcafé",
        "I",
        "flexi",
        16,
        (PART_TIME, DUTCH, TRIAL),
        "Bier tappen, tafels bedienen en afruimen in het brouwerijcafé, op vrijdag en zaterdag.",
    ),
    V(
        "Provinciale Hogeschool Leuven",
        "",
        "Medewerker technische dienst campus",
        "Q",
        "permanent",
        38,
        (MENTOR, COACHING),
        "Onderhoud van gebouwen en installaties op de campus: verlichting, sanitair, meubilair.",
    ),
    V(
        "Provinciale Hogeschool Leuven",
        "",
        "Medewerker studentenrestaurant",
        "I",
        "fixed_term",
        30,
        (TRAINING, NO_DIPLOMA, DUTCH),
        "Maaltijden bereiden en uitdelen, de kassa bedienen en de zaal opruimen.",
    ),
    V(
        "Provinciale Hogeschool Leuven",
        "3001",
        "Administratief medewerker studentensecretariaat",
        "Q",
        "fixed_term",
        30,
        (TRIAL, PART_TIME),
        "Inschrijvingen verwerken, studenten helpen aan de balie en per mail.",
    ),
    V(
        "Provinciale Hogeschool Leuven",
        "3000",
        "Conciërge campus Leuven",
        "Q",
        "permanent",
        38,
        (MENTOR, ADAPTED),
        "Gebouwen openen en sluiten, post verdelen en leveringen ontvangen.",
    ),
    # The rest of Flanders
    V(
        "Technisch Atheneum Genk",
        "",
        "Werkplaatsassistent lasatelier",
        "Q",
        "permanent",
        38,
        (TRAINING, MENTOR),
        "Machines en gereedschap in de werkplaatsen van de school klaarzetten en onderhouden.",
    ),
    V(
        "Technisch Atheneum Genk",
        "",
        "Medewerker schoolkeuken",
        "Q",
        "fixed_term",
        25,
        (NO_DIPLOMA, PART_TIME, DUTCH),
        "Soep en warme maaltijden bereiden voor 300 leerlingen en de keuken opruimen.",
    ),
    V(
        "Technisch Atheneum Genk",
        "3600",
        "ICT-helpdeskmedewerker school",
        "K",
        "fixed_term",
        38,
        (TRIAL, COACHING),
        "Laptops van leerlingen herstellen en installeren, leerkrachten helpen met het netwerk.",
    ),
    V(
        "Roeselaarse Groenten",
        "",
        "Productiemedewerker diepvriesgroenten",
        "C",
        "permanent",
        38,
        (TRAINING, NO_DIPLOMA, DUTCH),
        "Groenten sorteren en verpakken aan de productielijn, in een koele omgeving. Werken in "
        "twee ploegen.",
    ),
    V(
        "Roeselaarse Groenten",
        "",
        "Operator vriestunnel",
        "C",
        "permanent",
        38,
        (MENTOR, TRAINING),
        "De vriestunnel bedienen en temperaturen opvolgen. Technische interesse is genoeg.",
    ),
    V(
        "Roeselaarse Groenten",
        "8500",
        "Magazijnmedewerker koelcel Kortrijk",
        "H",
        "interim",
        38,
        (NO_DIPLOMA, TRIAL),
        "Paletten in de koelcel ontvangen en uitleveren met de transpallet.",
    ),
    V(
        "Roeselaarse Groenten",
        "8800",
        "Schoonmaker productiehal (nacht)",
        "C",
        "permanent",
        30,
        (ADAPTED, COACHING, PART_TIME),
        "De productielijnen na de productie reinigen en ontsmetten volgens het HACCP-plan.",
    ),
    V(
        "Meubelhuis Oostende",
        "",
        "Meubelmonteur levering aan huis",
        "G",
        "permanent",
        38,
        (TRAINING, MENTOR, NO_DIPLOMA),
        "Meubels leveren en monteren bij klanten thuis, samen met een chauffeur.",
    ),
    V(
        "Meubelhuis Oostende",
        "",
        "Verkoopmedewerker meubelwinkel",
        "G",
        "fixed_term",
        30,
        (TRIAL, DUTCH, PART_TIME),
        "Klanten raad geven in de toonzaal, bestellingen ingeven en leveringen plannen.",
    ),
    V(
        "Meubelhuis Oostende",
        "8000",
        "Magazijnier meubelwinkel Brugge",
        "G",
        "permanent",
        38,
        (NO_DIPLOMA,),
        "Meubels ontvangen, uitpakken, controleren en klaarzetten voor levering.",
    ),
    V(
        "vzw Kempens Netwerk",
        "",
        "Medewerker cultuurhuis",
        "S",
        "fixed_term",
        19,
        (PART_TIME, MENTOR),
        "Zalen klaarzetten, bar bedienen bij voorstellingen en bezoekers onthalen.",
    ),
    V(
        "vzw Kempens Netwerk",
        "2400",
        "Klusjesman verenigingslokalen",
        "S",
        "fixed_term",
        19,
        (COACHING, NO_DIPLOMA, PART_TIME),
        "Kleine herstellingen en onderhoud aan de lokalen van onze verenigingen in Mol en "
        "omgeving.",
    ),
    V(
        "vzw Kempens Netwerk",
        "2300",
        "Administratief medewerker ledenbeheer",
        "S",
        "fixed_term",
        24,
        (TRIAL, PART_TIME),
        "Ledenlijsten bijhouden, inschrijvingen verwerken en de nieuwsbrief verzenden.",
    ),
    V(
        "Meubelhuis Oostende",
        "9000",
        "Chauffeur bestelwagen Gent",
        "H",
        "permanent",
        38,
        (MENTOR, NO_DIPLOMA),
        "Leveringen van kleine meubels en matrassen in Gent en omgeving. Rijbewijs B.",
    ),
    V(
        "Logistiek Vilvoorde",
        "2000",
        "Orderpicker Antwerpen (nieuw magazijn)",
        "H",
        "permanent",
        38,
        (TRAINING, DUTCH, NO_DIPLOMA),
        "Voor ons nieuwe magazijn aan de haven zoeken we orderpickers die we zelf opleiden.",
    ),
    V(
        "Fruitbedrijf Voerstreek",
        "3790",
        "Verkoper hoevewinkel",
        "G",
        "flexi",
        12,
        (PART_TIME, TRIAL),
        "Fruit, sap en confituur verkopen in de hoevewinkel op woensdag en zaterdag.",
    ),
]

# Issue 19: a vacancy of a new, unverified firm in Zuidoost-Limburg, waiting for the demo
# regisseur's check (it shows in their work queue); its own code, outside the numbered lists.
AWAITING_CHECK = V(
    "Schrijnwerkerij Jekerdal",
    "",
    "Schrijnwerker in opleiding",
    "F",
    "training",
    38,
    (TRAINING, MENTOR, NO_DIPLOMA),
    "Leer het vak in onze werkplaats: zagen, schaven en monteren, samen met een ervaren "
    "schrijnwerker.",
)

REQUESTS = [
    # Zuidoost-Limburg
    R(
        "Basisschool De Linde",
        "",
        "Onderhoud van de schooltuin en speelplaats",
        "groenonderhoud",
        "1.200 m² gras en hagen, om de twee weken",
        "1k-5k",
        30,
        "Maaien, hagen scheren en de moestuinbakken klaarmaken voor het nieuwe schooljaar.",
    ),
    R(
        "Hotel De Mergel",
        "",
        "Wasserij voor hotellinnen",
        "was-strijk-naaiwerk",
        "ca. 300 kg linnen per week",
        "5k-25k",
        52,
        "Wassen, drogen en strijken van lakens, handdoeken en tafellinnen, met ophaling en "
        "levering aan het hotel.",
    ),
    R(
        "Hotel De Mergel",
        "",
        "Catering voor een personeelsfeest",
        "catering",
        "120 personen, walking dinner",
        "1k-5k",
        1,
        "Een walking dinner met vegetarische keuze voor ons personeelsfeest in de feestzaal van "
        "het hotel.",
    ),
    R(
        "Stad Bilzen-Hoeselt",
        "",
        "Fietsherstel voor de stadsfietsen",
        "fietsherstel",
        "45 dienstfietsen, onderhoud twee keer per jaar",
        "1k-5k",
        26,
        "Onderhoud en herstelling van de dienstfietsen van het personeel, ter plaatse of in uw "
        "atelier.",
    ),
    R(
        "Stad Bilzen-Hoeselt",
        "3742",
        "Zwerfvuil ruimen langs wandelroutes",
        "groenonderhoud",
        "35 km wandelroutes, maandelijks",
        "5k-25k",
        40,
        "Maandelijkse ronde langs de wandel- en fietsroutes in de deelgemeenten.",
    ),
    R(
        "Bakkerij Mergelland",
        "",
        "Verpakken van 5.000 geschenkdozen",
        "verpakking-assemblage",
        "5.000 dozen met koekjes en een kaartje",
        "1k-5k",
        3,
        "Eindejaarsgeschenken voor bedrijfsklanten: koekjes in dozen schikken, lint en kaartje, "
        "dozen in omdozen.",
    ),
    R(
        "Fruitbedrijf Voerstreek",
        "",
        "Onderhoud van hoogstamboomgaard",
        "land-tuinbouw",
        "3 ha hoogstam, winter- en zomersnoei",
        "5k-25k",
        20,
        "Snoeien van oude hoogstambomen en afvoeren van het snoeihout.",
    ),
    # Handel Samen & Sociaal
    R(
        "Verpakkingen Dender",
        "",
        "Groenonderhoud van een bedrijfsterrein",
        "groenonderhoud",
        "8.000 m² gras, bermen en hagen",
        "5k-25k",
        36,
        "Maaien, hagen scheren, onkruid wieden rond de loodsen en de parking, van april tot "
        "oktober.",
    ),
    R(
        "Verpakkingen Dender",
        "",
        "Assemblage van displays voor een winkelketen",
        "verpakking-assemblage",
        "2.500 kartonnen displays",
        "5k-25k",
        4,
        "Displays plooien, samenstellen en op paletten stapelen volgens ons voorbeeld.",
    ),
    R(
        "Verpakkingen Dender",
        "9320",
        "Demontage van oude productiemachines",
        "recyclage-demontage",
        "2 vouwmachines, ca. 6 ton",
        "1k-5k",
        2,
        "Machines demonteren en metaal, kabels en kunststof gescheiden afvoeren.",
    ),
    R(
        "OCMW Ninove",
        "",
        "Schoonmaak van het sociaal huis",
        "schoonmaak",
        "1.400 m² kantoren, dagelijks",
        "gt25k",
        52,
        "Dagelijkse schoonmaak van kantoren, wachtzalen en sanitair, na de openingsuren.",
    ),
    R(
        "OCMW Ninove",
        "",
        "Klusjesdienst voor oudere inwoners",
        "klusjes-onderhoud",
        "ca. 40 kleine klussen per maand",
        "5k-25k",
        52,
        "Kleine klussen bij oudere inwoners thuis: lampen, kranen, gordijnen, tuintje.",
    ),
    R(
        "Drukkerij Haaltert",
        "",
        "Mailing van 20.000 brochures",
        "drukwerk-mailing",
        "20.000 brochures, adresseren en sorteren",
        "1k-5k",
        2,
        "Brochures in enveloppen steken, adresetiketten kleven en per postcode sorteren.",
    ),
    R(
        "Transport Erpe-Mere",
        "",
        "Schoonmaak van kantoren en kantine",
        "schoonmaak",
        "450 m², drie keer per week",
        "5k-25k",
        52,
        "Kantoren, kantine en kleedkamers van de chauffeurs schoonmaken.",
    ),
    R(
        "Transport Erpe-Mere",
        "9420",
        "Herstelling van pallets",
        "houtbewerking",
        "ca. 600 pallets per maand",
        "5k-25k",
        26,
        "Beschadigde europallets herstellen en sorteren op ons terrein of in uw atelier.",
    ),
    # SEVA
    R(
        "Brouwerij Scheldedal",
        "",
        "Etiketteren van 10.000 flessen voor een jubileum",
        "verpakking-assemblage",
        "10.000 flessen, met kraag en hangetiket",
        "1k-5k",
        3,
        "Flessen van ons jubileumbier met de hand van een kraag en hangetiket voorzien.",
    ),
    R(
        "Brouwerij Scheldedal",
        "",
        "Catering voor de opendeurdag",
        "evenementen-horeca",
        "ca. 800 bezoekers, hapjes en bar",
        "5k-25k",
        1,
        "Hapjes, een foodtruck en bardienst tijdens onze opendeurdag op zondag.",
    ),
    R(
        "vzw Ardennenhuis",
        "",
        "Digitaliseren van het fotoarchief",
        "digitalisering",
        "ca. 6.000 foto's en dia's",
        "1k-5k",
        12,
        "Foto's en dia's scannen, benoemen en opslaan voor ons jubileumboek.",
    ),
    R(
        "Textiel Brakel",
        "",
        "Naaiwerk: stalen en staalkaarten",
        "was-strijk-naaiwerk",
        "1.500 staalkaarten",
        "1k-5k",
        6,
        "Stofstalen op maat snijden, omzomen en op kaarten kleven voor onze verkopers.",
    ),
    R(
        "Textiel Brakel",
        "9660",
        "Recyclage van textielresten",
        "recyclage-demontage",
        "ca. 2 ton per maand",
        "lt1k",
        52,
        "Ophalen en verwerken van restgaren en snijresten uit de weverij.",
    ),
    R(
        "Gemeentelijke Basisschool Geraardsbergen",
        "",
        "Schilderwerk klaslokalen",
        "bouw-renovatie",
        "4 klaslokalen en de gang",
        "5k-25k",
        3,
        "Muren en plafonds schilderen tijdens de zomervakantie.",
    ),
    # Vlaams-Brabant
    R(
        "Logistiek Vilvoorde",
        "",
        "Herverpakken van retourzendingen",
        "verpakking-assemblage",
        "ca. 3.000 stuks per week",
        "gt25k",
        26,
        "Retourgoederen controleren, opnieuw verpakken en labelen voor de verkoop.",
    ),
    R(
        "Logistiek Vilvoorde",
        "1800",
        "Groenonderhoud rond het distributiecentrum",
        "groenonderhoud",
        "1,5 ha bermen en taluds",
        "5k-25k",
        30,
        "Maaien van bermen en taluds, ruimen van zwerfvuil langs de omheining.",
    ),
    R(
        "Brouwerij Hagelandse Hop",
        "",
        "Samenstellen van biergeschenkpakketten",
        "verpakking-assemblage",
        "3.000 pakketten met 4 flessen en een glas",
        "1k-5k",
        5,
        "Geschenkpakketten samenstellen voor de eindejaarsverkoop.",
    ),
    R(
        "Provinciale Hogeschool Leuven",
        "",
        "Fietsherstel op de campus",
        "fietsherstel",
        "wekelijkse permanentie, ca. 30 fietsen",
        "1k-5k",
        30,
        "Een fietsatelier op de campus voor studenten en personeel, één dag per week.",
    ),
    R(
        "Provinciale Hogeschool Leuven",
        "3000",
        "Onthaal tijdens infodagen",
        "onthaal-administratie",
        "4 infodagen, 2 medewerkers",
        "lt1k",
        10,
        "Bezoekers onthalen, de weg wijzen en brochures uitdelen tijdens de infodagen.",
    ),
    # The rest of Flanders
    R(
        "Technisch Atheneum Genk",
        "",
        "Herstel van schoolmeubilair",
        "houtbewerking",
        "ca. 150 stoelen en 40 tafels",
        "1k-5k",
        6,
        "Stoelen en tafels herstellen, schuren en vernissen.",
    ),
    R(
        "Roeselaarse Groenten",
        "",
        "Catering voor een personeelsfeest",
        "catering",
        "250 personen, buffet",
        "5k-25k",
        1,
        "Een warm buffet met dessert voor ons jaarlijks personeelsfeest.",
    ),
    R(
        "Meubelhuis Oostende",
        "",
        "Ophalen en hergebruik van oude meubels",
        "hergebruik-kringwinkel",
        "ca. 25 ophalingen per maand",
        "lt1k",
        52,
        "Oude meubels van klanten ophalen bij levering van nieuwe, voor hergebruik in een "
        "kringwinkel.",
    ),
    R(
        "vzw Kempens Netwerk",
        "",
        "Verhuis van ons archief en materiaal",
        "verhuis-transport",
        "ca. 40 m³, van Turnhout naar Mol",
        "1k-5k",
        1,
        "Archiefdozen, podiumelementen en kasten verhuizen naar ons nieuwe depot.",
    ),
    R(
        "vzw Kempens Netwerk",
        "2400",
        "Schoonmaak na evenementen",
        "schoonmaak",
        "12 evenementen per jaar",
        "1k-5k",
        52,
        "De zaal en het sanitair schoonmaken op de ochtend na een voorstelling of feest.",
    ),
    R(
        "Meubelhuis Oostende",
        "8400",
        "Digitaliseren van de productcatalogus",
        "digitalisering",
        "ca. 1.800 producten fotograferen en invoeren",
        "5k-25k",
        10,
        "Meubels fotograferen en de productfiches in onze webwinkel invoeren.",
    ),
]


def _status(index, *, draft_every, expired_every, closed_every):
    """Mostly published; a few drafts, expired and closed ones, the same ones on every run."""
    if index % draft_every == 3:
        return Status.DRAFT
    if index % expired_every == 5:
        return Status.EXPIRED
    if index % closed_every == 8:
        return Status.CLOSED
    return Status.PUBLISHED


def _dates(status, index, now):
    """The status fields and dates of the demo item at this position."""
    today = now.date()
    fields = {
        "status": status,
        "published_at": None,
        "closed_reason": "",
        "closed_at": None,
        "expired_at": None,
        "reminder_sent_for": None,
    }
    if status == Status.DRAFT:
        fields["closing_date"] = today + timedelta(days=30 + index % 10)
    elif status == Status.EXPIRED:
        closing = today - timedelta(days=1 + index % 9)
        fields.update(
            closing_date=closing,
            published_at=now - timedelta(days=40 + index % 9),
            expired_at=timezone.make_aware(datetime.combine(closing + timedelta(days=1), time(2))),
        )
    elif status == Status.CLOSED:
        fields.update(
            closing_date=today + timedelta(days=3 + index % 20),
            published_at=now - timedelta(days=25 + index % 10),
            closed_reason=ClosedReason.FILLED if index % 2 else ClosedReason.WITHDRAWN,
            closed_at=now - timedelta(days=index % 6),
        )
    else:
        # From two days to seven weeks ahead, so that "closing soon" and the reminder have
        # something to show; published over the last four weeks, for "posted since".
        fields.update(
            closing_date=today + timedelta(days=2 + (index * 7) % 48),
            published_at=now - timedelta(days=(index * 3) % 28, hours=index % 24),
        )
    return fields


def seed():
    numbers = {demo.name: demo_enterprise_number(i) for i, demo in enumerate(ORGANISATIONS, 1)}
    posters = Organisation.objects.in_bulk(numbers.values(), field_name="enterprise_number")
    organisation = {name: posters[number] for name, number in numbers.items()}
    postcodes = Postcode.objects.in_bulk(
        {item.postcode for item in [*VACANCIES, *REQUESTS] if item.postcode}, field_name="code"
    )
    sectors = Sector.objects.in_bulk(field_name="code")
    categories = ServiceCategory.objects.in_bulk(field_name="slug")
    supports = Support.objects.in_bulk(field_name="slug")
    now = timezone.now()

    for index, item in enumerate(VACANCIES, start=1):
        poster = organisation[item.poster]
        status = _status(index, draft_every=12, expired_every=15, closed_every=16)
        fields = _dates(status, index, now)
        vacancy, _ = Vacancy.objects.update_or_create(
            code=f"demo-v{index:03d}",
            defaults={
                "organisation": poster,
                "postcode": postcodes.get(item.postcode, poster.postcode),
                "title": item.title,
                "description": item.description,
                "sector": sectors[item.sector],
                "contract_type": item.contract,
                "hours_per_week": item.hours,
                "start_date": fields["closing_date"] + timedelta(days=21) if index % 3 else None,
                **fields,
            },
        )
        vacancy.supports.set([supports[slug] for slug in item.supports])
        lifecycle.mark_open_to_doorstroom(vacancy)
        search.index(vacancy)

    for index, item in enumerate(REQUESTS, start=1):
        poster = organisation[item.poster]
        status = _status(index, draft_every=10, expired_every=11, closed_every=13)
        fields = _dates(status, index, now)
        start = fields["closing_date"] + timedelta(days=7 + (index % 4) * 7)
        service_request, _ = ServiceRequest.objects.update_or_create(
            code=f"demo-r{index:03d}",
            defaults={
                "organisation": poster,
                "postcode": postcodes.get(item.postcode, poster.postcode),
                "title": item.title,
                "description": item.description,
                "category": categories[item.category],
                "volume": item.volume,
                "budget_band": item.budget,
                "period_start": start,
                "period_end": start + timedelta(weeks=item.weeks),
                **fields,
            },
        )
        search.index(service_request)

    _seed_awaiting_check(organisation, sectors, supports, now)
    return []


def _seed_awaiting_check(organisation, sectors, supports, now):
    item = AWAITING_CHECK
    poster = organisation[item.poster]
    vacancy, _ = Vacancy.objects.update_or_create(
        code="demo-check-v001",
        defaults={
            "organisation": poster,
            "postcode": poster.postcode,
            "title": item.title,
            "description": item.description,
            "sector": sectors[item.sector],
            "contract_type": item.contract,
            "hours_per_week": item.hours,
            **_dates(Status.DRAFT, 1, now),
            "status": Status.AWAITING,
            "submitted_at": now - timedelta(days=1),
        },
    )
    vacancy.supports.set([supports[slug] for slug in item.supports])
    lifecycle.mark_open_to_doorstroom(vacancy)
    search.index(vacancy)
