"""A candidate profile stays anonymous: contact details, register numbers, addresses and words
that point to health data are found and named; ordinary descriptions of work and support pass."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from vacancies import privacy


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Mail hem op jan.peeters@gmail.com", "email", "jan.peeters@gmail.com"),
        ("Bel 0470 12 34 56 voor een afspraak", "phone", "0470 12 34 56"),
        ("gsm 0470/12.34.56", "phone", "0470/12.34.56"),
        ("0470123456", "phone", "0470123456"),
        ("0498 123 456", "phone", "0498 123 456"),
        ("+32 470 12 34 56", "phone", "+32 470 12 34 56"),
        ("0032 470 12 34 56", "phone", "0032 470 12 34 56"),
        ("+32 (0)2 511 22 33", "phone", "+32 (0)2 511 22 33"),
        ("tel. 02/511 22 33", "phone", "02/511 22 33"),
        ("011 22 33 44", "phone", "011 22 33 44"),
        ("rijksregisternummer 85.07.30-033.28", "national_number", "85.07.30-033.28"),
        ("nr 85073003328", "national_number", "85073003328"),
        ("Woont in de Kerkstraat 12, 3500 Hasselt", "address", "Kerkstraat 12, 3500 Hasselt"),
        ("Stationsstraat 4 bus 2 3700 Tongeren", "address", "Stationsstraat 4 bus 2 3700 Tongeren"),
        ("rue de la Loi 16, 1000 Bruxelles", "address", "rue de la Loi 16, 1000 Bruxelles"),
        ("Heeft autisme", "health", "autisme"),
        ("een autismediagnose", "health", "autismediagnose"),
        ("neemt medicatie", "health", "medicatie"),
        ("na een burn-out", "health", "burn-out"),
        ("Depressief geweest", "health", "Depressief"),
        ("een spierziekte", "health", "spierziekte"),
        ("atteint de dépression", "health", "dépression"),
        ("maladie chronique", "health", "maladie"),
        ("diagnosed with ADHD", "health", "diagnosed"),
        ("has a disability", "health", "disability"),
        ("a handicap", "health", "handicap"),
    ],
)
def test_it_finds_what_identifies_a_candidate_or_reveals_their_health(text, kind, found):
    assert privacy.Finding(kind, found) in privacy.find(text)


@pytest.mark.parametrize(
    "text",
    [
        "Vijf jaar ervaring in groenonderhoud, rijbewijs B, VCA-attest.",
        "Beschikbaar vanaf 01/09/2025 08:00, vier dagen per week (30 uur).",
        "Begeleiding door een jobcoach, een rustige werkplek en duidelijke instructies.",
        "Werkt in ons maatwerkbedrijf met een arbeidshandicap-statuut, arbeidsbeperking erkend.",
        "Werkte drie jaar in de groendienst van 3500 Hasselt.",
        "Kan heftruck rijden; prijs EUR 1.250,00; 2.000 m² gazon.",
        "Ondernemingsnummer 0403.170.701 van de vorige werkgever.",
        "Travaille à temps partiel, a besoin d'un accompagnement sur le lieu de travail.",
        "",
    ],
)
def test_descriptions_of_work_and_support_pass(text):
    assert privacy.find(text) == []


def test_the_error_names_the_field_and_what_to_remove():
    with pytest.raises(ValidationError) as caught:
        privacy.check("Bel 0470 12 34 56 of mail an@example.be", label="skills")

    messages = caught.value.messages
    assert messages == [
        '"Skills" contains an email address (an@example.be). Remove it.',
        '"Skills" contains a phone number (0470 12 34 56). Remove it.',
    ]


def test_health_words_are_named_together_and_support_is_asked_instead():
    with pytest.raises(ValidationError) as caught:
        privacy.check("Heeft autisme en epilepsie; autisme vastgesteld", label="Support needed")

    [message] = caught.value.messages
    assert message.startswith(
        '"Support needed" mentions "autisme", "epilepsie", which points to health data.'
    )
    assert "describe the support the candidate needs" in message


def test_check_fields_reports_by_field():
    with pytest.raises(ValidationError) as caught:
        privacy.check_fields(
            {
                "experience": ("Experience", "Tien jaar in de bouw"),
                "message": ("Message", "Bel 0470 12 34 56"),
            }
        )

    assert set(caught.value.message_dict) == {"message"}


def test_a_long_text_is_checked_quickly():
    # Bounded work on the longest message a form lets through, even without spaces.
    privacy.find("a" * 4000)
    privacy.find("straat " * 570)
