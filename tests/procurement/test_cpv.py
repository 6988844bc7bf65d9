"""Issue 23, item 3: CPV codes read as the portal's service categories."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from procurement import cpv


@pytest.mark.parametrize(
    ("code", "category", "prefix"),
    [
        ("77310000-6", "groenonderhoud", "773"),
        ("77311000", "groenonderhoud", "773"),
        ("90911200-8", "schoonmaak", "9091"),
        ("90919300-5", "schoonmaak", "9091"),
        ("79810000-5", "drukwerk-mailing", "798"),
        ("55524000-9", "catering", "555"),
        ("45210000-2", "bouw-renovatie", "45"),
        ("45453000-7", "bouw-renovatie", "45"),
        ("50110000-9", "klusjes-onderhoud", "5011"),
        ("60100000-9", "verhuis-transport", "601"),
        (" 79999100-4 ", "digitalisering", "799991"),
    ],
)
def test_a_code_is_read_by_its_longest_mapped_prefix(code, category, prefix):
    found = cpv.lookup(code)
    assert (found.category, found.prefix) == (category, prefix)


def test_the_longer_prefix_wins_over_the_division():
    # 4422 (builders' joinery: woodwork) lies in 44 and in nothing shorter that is mapped, and
    # 5083 (clothing repair) beats nothing shorter; 7992 and 79992 are different branches.
    assert cpv.lookup("44220000-8").category == "houtbewerking"
    assert cpv.lookup("50830000-2").category == "was-strijk-naaiwerk"
    assert cpv.lookup("79920000-6").category == "verpakking-assemblage"
    assert cpv.lookup("79992000-4").category == "onthaal-administratie"


@pytest.mark.parametrize("code", ["79530000-8", "85000000-9", "33000000-0", "77400000-0"])
def test_a_code_outside_the_mapping_is_an_unknown_cpv_code(code):
    with pytest.raises(cpv.CpvError, match="unknown CPV code"):
        cpv.lookup(code)


@pytest.mark.parametrize(
    "code", ["", "7731000", "773100006", "77310000-", "77310000-66", "groen", "7731O000-6"]
)
def test_a_malformed_code_is_refused_in_words(code):
    with pytest.raises(cpv.CpvError, match="is not a CPV code"):
        cpv.lookup(code)


def test_the_label_follows_the_language():
    found = cpv.lookup("90911000-6")
    with translation.override("fr"):
        assert found.label == "Services de nettoyage"
    with translation.override("nl"):
        assert found.label == "Reiniging"


def test_every_mapped_category_exists_and_every_prefix_is_unique_digits():
    path = Path(settings.BASE_DIR) / "data"
    with open(path / "service_categories.csv", encoding="utf-8") as handle:
        categories = {row["slug"] for row in csv.DictReader(handle)}
    with open(path / cpv.FILENAME, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    prefixes = [row["prefix"] for row in rows]
    assert len(prefixes) == len(set(prefixes))
    for row in rows:
        assert row["prefix"].isdigit() and 2 <= len(row["prefix"]) <= 8, row
        assert row["category"] in categories, row
        assert all(row[f"label_{language}"] for language in ("nl", "fr", "en")), row
