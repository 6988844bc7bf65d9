"""The reference data: the build from the raw sources, the CSV files and their loader."""

import filecmp
import io
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from portal.models import (
    BelgianRegion,
    Municipality,
    Postcode,
    Province,
    Region,
    RegionKind,
    Sector,
    ServiceCategory,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SOURCES = ROOT.parent / "shared" / "data"
CSV_FILES = [
    "provinces.csv",
    "municipalities.csv",
    "postcodes.csv",
    "sectors.csv",
    "service_categories.csv",
    "regions.csv",
]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference(reference_data):
    """Every test in this module reads the data the session loaded."""


def postcode(code):
    return Postcode.objects.select_related("municipality__province").get(code=code)


def municipality(nis_code):
    return Municipality.objects.select_related("merged_into__province").get(nis_code=nis_code)


def test_flanders_has_285_current_municipalities():
    assert Municipality.objects.current().flemish().count() == 285


def test_belgium_has_565_current_municipalities():
    assert Municipality.objects.current().count() == 565
    assert Province.objects.count() == 10


def test_hoeselt_postcode_lies_in_bilzen_hoeselt_in_zuidoost_limburg():
    place = postcode("3730")

    assert place.name == "Hoeselt"
    assert place.municipality.nis_code == "73110"
    assert place.municipality.name_nl == "Bilzen-Hoeselt"
    assert place.municipality.regions.filter(name="Zuidoost-Limburg").exists()


def test_tongeren_postcode_lies_in_tongeren_borgloon_in_zuidoost_limburg():
    place = postcode("3700")

    assert place.municipality.nis_code == "73111"
    assert (place.municipality.name_nl, place.municipality.name_fr) == (
        "Tongeren-Borgloon",
        "Tongres-Looz",
    )
    assert place.municipality.regions.filter(name="Zuidoost-Limburg").exists()


def test_aalst_postcode_lies_in_aalst_in_handel_samen_en_sociaal():
    place = postcode("9300")

    assert place.municipality.nis_code == "41002"
    assert place.municipality.regions.filter(name="Handel Samen & Sociaal").exists()


def test_voeren_postcode_lies_in_voeren_in_limburg():
    place = postcode("3790")

    assert place.municipality.nis_code == "73109"
    assert place.municipality.province.name_nl == "Limburg"


def test_machelen_postcode_lies_in_machelen_in_vlaams_brabant():
    place = postcode("1830")

    assert place.municipality.nis_code == "23047"
    assert place.municipality.province.nis_code == "20001"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("1000", "Brussel"),
        ("1050", "Elsene"),
        ("1880", "Kapelle-op-den-Bos"),
        ("3798", "'s Gravenvoeren"),
        ("7700", "Mouscron"),
        ("7711", "Dottignies"),
        ("9420", "Erpe-Mere"),
    ],
)
def test_postcodes_are_named_in_the_language_of_their_region(code, name):
    assert postcode(code).name == name


def test_hoeselt_merged_into_bilzen_hoeselt_in_2025():
    hoeselt = municipality("73032")

    assert hoeselt.merged_into.nis_code == "73110"
    assert hoeselt.merged_on == date(2025, 1, 1)


def test_borsbeek_merged_into_antwerpen_which_kept_its_code():
    assert municipality("11007").merged_into.nis_code == "11002"
    assert municipality("11002").merged_into is None


def test_zwijndrecht_successor_lies_in_oost_vlaanderen():
    zwijndrecht = municipality("11056")

    assert zwijndrecht.merged_into.name_nl == "Beveren-Kruibeke-Zwijndrecht"
    assert zwijndrecht.merged_into.province.name_nl == "Oost-Vlaanderen"
    assert postcode("2070").municipality == zwijndrecht.merged_into


def test_municipalities_merged_in_2019_point_at_todays_municipality():
    nevele = municipality("44049")

    assert nevele.merged_into.name_nl == "Deinze"
    assert nevele.merged_on == date(2019, 1, 1)
    assert not Municipality.objects.filter(merged_into__merged_into__isnull=False).exists()


def test_herstappe_stays_a_municipality_of_its_own():
    assert municipality("73028").merged_into is None


def test_every_postcode_lies_inside_belgium():
    outside = Postcode.objects.exclude(latitude__range=(49.4, 51.6), longitude__range=(2.5, 6.5))

    assert Postcode.objects.count() == 1146
    assert not outside.exists()


def test_every_postcode_maps_to_a_current_municipality():
    assert not Postcode.objects.filter(municipality__merged_into__isnull=False).exists()


def test_every_current_municipality_has_a_postcode():
    assert not Municipality.objects.current().filter(postcodes__isnull=True).exists()


def test_brussels_municipalities_have_no_province():
    brussels = Municipality.objects.current().filter(region=BelgianRegion.BRUSSELS)

    assert brussels.count() == 19
    assert not brussels.filter(province__isnull=False).exists()
    assert (
        not Municipality.objects.exclude(region=BelgianRegion.BRUSSELS)
        .filter(province=None)
        .exists()
    )


def test_service_categories_are_labelled_in_three_languages():
    categories = ServiceCategory.objects.all()

    assert categories.count() >= 15
    assert not categories.filter(name_nl="").exists()
    assert not categories.filter(name_fr="").exists()
    assert not categories.filter(name_en="").exists()


def test_sectors_are_the_22_nace_sections_in_three_languages():
    sectors = Sector.objects.order_by("code")

    assert [sector.code for sector in sectors] == list("ABCDEFGHIJKLMNOPQRSTUV")
    assert all(sector.name_nl and sector.name_fr and sector.name_en for sector in sectors)
    assert sectors.get(code="F").name_nl == "Bouwnijverheid"


def test_region_vlaams_brabant_holds_every_current_municipality_of_its_province():
    region = Region.objects.get(slug="vlaams-brabant")
    province = Municipality.objects.current().filter(province__nis_code="20001")

    assert region.kind == RegionKind.PROVINCE
    assert set(region.municipalities.all()) == set(province)
    assert province.filter(name_nl="Pajottegem").exists()


def test_regions_hold_only_current_municipalities():
    assert not Region.municipalities.through.objects.filter(
        municipality__merged_into__isnull=False
    ).exists()


def test_loading_twice_changes_nothing():
    counts = {model: model.objects.count() for model in (Municipality, Postcode, Region)}
    output = io.StringIO()

    call_command("load_reference_data", stdout=output)

    assert {model: model.objects.count() for model in counts} == counts
    lines = output.getvalue().splitlines()
    # Portal's six tables, then procurement's eligibility and model clauses.
    assert len(lines) == 8
    assert all(" 0 created, 0 updated" in line for line in lines)


def test_loading_again_repairs_edited_rows_and_leaves_regisseurs(django_user_model):
    regisseur = django_user_model.objects.create_user(email="regie@example.org", is_staff=True)
    zuidoost = Region.objects.get(slug="zuidoost-limburg")
    zuidoost.regisseurs.add(regisseur)
    zuidoost.municipalities.remove(municipality("73109"))
    Postcode.objects.filter(code="3730").update(name="Elders", latitude=50.0)
    output = io.StringIO()

    call_command("load_reference_data", stdout=output)

    assert postcode("3730").name == "Hoeselt"
    assert zuidoost.municipalities.filter(nis_code="73109").exists()
    assert list(zuidoost.regisseurs.all()) == [regisseur]
    assert "Postcodes: 0 created, 1 updated" in output.getvalue()
    assert "Regions: 0 created, 1 updated" in output.getvalue()


def test_quiet_load_prints_nothing():
    output = io.StringIO()

    call_command("load_reference_data", verbosity=0, stdout=output)

    assert output.getvalue() == ""


def test_loading_from_a_folder_without_the_files_says_what_is_missing(tmp_path):
    with pytest.raises(CommandError, match="provinces.csv not found"):
        call_command("load_reference_data", data_dir=tmp_path)


def run_build(source, out):
    return subprocess.run(
        [sys.executable, str(DATA / "build.py"), str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


needs_sources = pytest.mark.skipif(
    not SOURCES.is_dir(), reason=f"raw sources not found at {SOURCES}; the rebuild needs them"
)


@needs_sources
def test_rebuild_from_the_raw_sources_gives_the_committed_files(tmp_path):
    result = run_build(SOURCES, tmp_path)

    assert result.returncode == 0, result.stderr
    _, mismatch, errors = filecmp.cmpfiles(DATA, tmp_path, CSV_FILES, shallow=False)
    assert mismatch == errors == []
    assert "9300 Aalst [main place]" in result.stdout


@needs_sources
def test_build_fails_loudly_when_a_merger_is_missing(tmp_path):
    source = tmp_path / "sources"
    source.mkdir()
    for path in SOURCES.glob("*.csv"):
        shutil.copyfile(path, source / path.name)
    fusions = source / "fusies-2025.csv"
    lines = fusions.read_text(encoding="utf-8").splitlines()
    fusions.write_text("\n".join(line for line in lines if "Hoeselt" not in line), encoding="utf-8")

    result = run_build(source, tmp_path / "out")

    assert result.returncode == 1
    assert "BUILD FAILED" in result.stderr
    assert not (tmp_path / "out").exists()
