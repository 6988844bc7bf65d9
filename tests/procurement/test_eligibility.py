"""Issue 23, item 1: which recognition qualifies for which procurement route; the profile's
badge and the directory's checkbox for reserved contracts."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from procurement import eligibility
from procurement.models import Eligibility, ModelClause, Route
from tests.factories import listed_organisation

pytestmark = pytest.mark.django_db


def routes(slug):
    return set(Eligibility.objects.filter(recognition__slug=slug).values_list("route", flat=True))


def test_the_reference_data_gives_each_recognition_its_routes(reference_data):
    every_route = set(Route.values)
    assert routes("maatwerkbedrijf") == every_route
    assert routes("lokale-diensteneconomie") == every_route
    clauses_only = {Route.EXECUTION_CLAUSE, Route.AWARD_CRITERION}
    for slug in ("werkervaring", "sociale-onderneming", "kringwinkel", "maatwerkafdeling"):
        assert routes(slug) == clauses_only, slug
    reserved = Eligibility.objects.get(
        recognition__slug="maatwerkbedrijf", route=Route.RESERVED_CONTRACT
    )
    assert "art. 15" in reserved.legal_source
    assert reserved.source_date == date(2016, 6, 17)
    assert set(ModelClause.objects.values_list("route", flat=True)) == every_route


def test_a_second_load_keeps_what_an_administrator_changed(reference_data):
    row = Eligibility.objects.get(recognition__slug="werkervaring", route=Route.AWARD_CRITERION)
    row.legal_source = "Gecorrigeerd door de beheerder"
    row.save()
    clause = ModelClause.objects.get(route=Route.RESERVED_LOT)
    clause.text_nl = "Eigen tekst"
    clause.save()
    before = Eligibility.objects.count()

    call_command("load_reference_data", verbosity=0)

    row.refresh_from_db()
    clause.refresh_from_db()
    assert row.legal_source == "Gecorrigeerd door de beheerder"
    assert clause.text_nl == "Eigen tekst"
    assert Eligibility.objects.count() == before


def test_a_recognition_missing_from_the_database_is_left_out_and_said(reference_data):
    from companies.models import Recognition
    from procurement.reference_data import load_eligibility

    Recognition.objects.filter(slug="fietspunt").delete()  # its eligibility rows go with it
    outcome = load_eligibility(Path(settings.BASE_DIR) / "data")
    assert "left out, recognitions not in the database: fietspunt" in str(outcome)
    assert not Eligibility.objects.filter(recognition__slug="fietspunt").exists()
    assert " 0 created" in str(outcome)


def test_routes_of_combines_the_recognitions(reference_data):
    table = eligibility.routes_by_recognition()
    ids = dict(Eligibility.objects.values_list("recognition__slug", "recognition_id").distinct())
    assert eligibility.routes_of([ids["werkervaring"]], table) == {
        Route.EXECUTION_CLAUSE,
        Route.AWARD_CRITERION,
    }
    assert eligibility.routes_of([ids["werkervaring"], ids["maatwerkbedrijf"]], table) == set(
        Route.values
    )
    assert eligibility.routes_of([], table) == set()


def profile(client, organisation):
    with translation.override("en"):
        url = reverse("companies:profile", kwargs={"slug": organisation.slug})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_profile_of_a_maatwerkbedrijf_shows_the_badge(client, reference_data):
    shown = listed_organisation(name="Groen Maatwerk", recognitions=["maatwerkbedrijf"])
    clauses_only = listed_organisation(name="Werkplek Leerwerk", recognitions=["werkervaring"])
    none = listed_organisation(name="Zonder Erkenning")
    firm = listed_organisation(name="Gewone Firma", kind="regular")

    assert "Eligible for reserved contracts" not in profile(client, clauses_only)
    assert "Eligible for reserved contracts" not in profile(client, none)
    assert "Eligible for reserved contracts" not in profile(client, firm)
    assert '<span class="badge badge--info">Eligible for reserved contracts</span>' in profile(
        client, shown
    )


def test_the_badge_follows_an_administrators_change(reference_data):
    organisation = listed_organisation(recognitions=["kringwinkel"])
    assert eligibility.reserved_badge(organisation) == []
    Eligibility.objects.create(
        recognition=organisation.recognitions.get(),
        route=Route.RESERVED_CONTRACT,
        legal_source="Wet van 17 juni 2016, art. 15",
        source_date=date(2016, 6, 17),
    )
    assert eligibility.reserved_badge(organisation) == [eligibility.BADGE]


def directory(client, **params):
    return client.get("/en/organisations/", params)


def test_the_directory_narrows_to_enterprises_eligible_for_reserved_contracts(
    client, reference_data
):
    listed_organisation(name="Groen Maatwerk", recognitions=["maatwerkbedrijf"])
    listed_organisation(name="Buurtdiensten LDE", recognitions=["lokale-diensteneconomie"])
    listed_organisation(name="Werkplek Leerwerk", recognitions=["werkervaring"])
    listed_organisation(name="Gewone Firma", kind="regular")

    page = directory(client, reserved="1")
    names = {organisation.name for organisation in page.context["organisations"]}
    assert names == {"Groen Maatwerk", "Buurtdiensten LDE"}
    html = page.content.decode()
    assert 'name="reserved" value="1" checked' in html
    assert "(eligible for reserved contracts)" in page.context["description"]
    chips = [str(chip["label"]) for chip in page.context["active_filters"]]
    assert "Eligible for reserved contracts" in chips
    # The facets count within the ticked checkbox.
    kinds = next(facet for facet in page.context["facets"] if facet["name"] == "kind")
    assert [(option["value"], option["count"]) for option in kinds["options"]] == [("social", 2)]

    unticked = directory(client)
    assert len(unticked.context["organisations"]) == 4
    assert 'name="reserved" value="1">' in unticked.content.decode()


def test_a_bad_value_of_the_checkbox_is_no_error(client, reference_data):
    listed_organisation(name="Groen Maatwerk", recognitions=["maatwerkbedrijf"])
    assert directory(client, reserved="x\x00").status_code == 200
