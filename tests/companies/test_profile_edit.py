"""Members keep their organisation's profile."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from companies.models import OfferedService, Recognition
from tests.companies.conftest import profile_data
from tests.factories import OrganisationFactory, OwnerFactory

pytestmark = pytest.mark.django_db


def edit_url(organisation):
    return f"/en/organisations/{organisation.slug}/edit/"


def test_an_editor_saves_the_profile(client, world):
    client.force_login(world.editor)

    response = client.post(
        edit_url(world.organisation),
        profile_data(world.organisation, description="Groen en sociaal.", postcode="3000"),
    )

    assert response.status_code == 302
    world.organisation.refresh_from_db()
    assert world.organisation.description == "Groen en sociaal."
    assert world.organisation.municipality.name_nl == "Leuven"
    assert world.organisation.province.nis_code == "20001"


def test_the_edit_page_shows_the_saved_profile(client, world):
    client.force_login(world.owner)

    page = client.get(edit_url(world.organisation)).content.decode()

    assert f'value="{world.organisation.name}"' in page
    assert 'value="3700"' in page
    assert "Members" in page  # owners see the link to the members page


def test_invalid_input_is_shown_again_with_its_errors_and_nothing_is_saved(client, world):
    client.force_login(world.owner)
    name_before = world.organisation.name

    response = client.post(
        edit_url(world.organisation),
        profile_data(world.organisation, name="Nieuwe naam", website="niet een adres met spaties"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Nieuwe naam"' in page
    assert "Enter a valid URL." in page
    assert f"Profile of {name_before}" in page
    world.organisation.refresh_from_db()
    assert world.organisation.name == name_before


def test_another_organisations_enterprise_number_is_refused(client, world):
    other = OrganisationFactory()
    client.force_login(world.owner)

    response = client.post(
        edit_url(world.organisation),
        profile_data(world.organisation, enterprise_number=other.enterprise_number),
    )

    assert response.status_code == 200
    assert "already on the portal" in response.content.decode()


def test_changing_the_enterprise_number_withdraws_the_verification(client, world):
    world.organisation.verified_at = timezone.now()
    world.organisation.save()
    client.force_login(world.owner)

    client.post(
        edit_url(world.organisation),
        profile_data(world.organisation, enterprise_number="0403.170.701"),
    )

    world.organisation.refresh_from_db()
    assert world.organisation.enterprise_number == "0403170701"
    assert world.organisation.verified_at is None


def test_other_changes_keep_the_verification(client, world):
    world.organisation.verified_at = timezone.now()
    world.organisation.save()
    client.force_login(world.owner)

    client.post(edit_url(world.organisation), profile_data(world.organisation, name="Ander"))

    world.organisation.refresh_from_db()
    assert world.organisation.is_verified


def test_recognitions_are_saved_and_indexed_for_search(client, world):
    kringwinkel = Recognition.objects.get(slug="kringwinkel")
    client.force_login(world.editor)

    client.post(
        edit_url(world.organisation),
        profile_data(world.organisation, recognitions=[kringwinkel.pk]),
    )

    world.organisation.refresh_from_db()
    assert list(world.organisation.recognitions.all()) == [kringwinkel]
    assert "Kringwinkel" in world.organisation.search_text


def test_becoming_a_regular_firm_drops_the_social_economy_details(client, world):
    world.organisation.recognitions.add(Recognition.objects.get(slug="kringwinkel"))
    client.force_login(world.owner)

    client.post(edit_url(world.organisation), profile_data(world.organisation, kind="regular"))

    world.organisation.refresh_from_db()
    assert world.organisation.kind == "regular"
    assert not world.organisation.recognitions.exists()
    assert not OfferedService.objects.filter(organisation=world.organisation).exists()
    assert world.organisation.search_text == ""


def test_a_member_may_leave_from_the_edit_page(client, world):
    client.force_login(world.editor)

    page = client.get(edit_url(world.organisation)).content.decode()

    assert f"Leave {world.organisation.name}" in page


# --- Look-alike names (issue 16) -----------------------------------------------------------------


def test_renaming_to_a_look_alike_asks_first_and_saves_once_confirmed(client, world, other_world):
    client.force_login(world.owner)
    # "Kringwinkel Elders" with a Cyrillic "е" and a zero-width space.
    look_alike = "Kringwinkel\u200b \u0415lders"

    asked = client.post(
        edit_url(world.organisation), profile_data(world.organisation, name=look_alike)
    )
    confirmed = client.post(
        edit_url(world.organisation),
        profile_data(world.organisation, name=look_alike, confirm_look_alike="on"),
    )

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "A similar-looking organisation is already on the portal" in page
    assert (
        f'<a href="/en/organisations/{other_world.organisation.slug}/">Kringwinkel Elders</a>'
        in page
    )
    assert confirmed.status_code == 302
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Kringwinkel \u0415lders"


def test_keeping_a_name_that_has_a_look_alike_asks_nothing(client, world):
    OrganisationFactory(name=world.organisation.name.upper())
    client.force_login(world.editor)

    response = client.post(
        edit_url(world.organisation), profile_data(world.organisation, description="Nieuw.")
    )

    assert response.status_code == 302
    world.organisation.refresh_from_db()
    assert world.organisation.description == "Nieuw."


def test_a_stranger_cannot_rename_an_organisation(client, world, other_world):
    client.force_login(world.stranger)
    name = world.organisation.name

    response = client.post(
        edit_url(world.organisation),
        profile_data(world.organisation, name="Kringwinkel Elders", confirm_look_alike="on"),
    )

    assert response.status_code == 404
    world.organisation.refresh_from_db()
    assert world.organisation.name == name


# --- Lengths (issue 18, item 3) -------------------------------------------------------------------


def test_an_over_long_description_is_refused_in_dutch_and_nothing_typed_is_lost(client, world):
    client.force_login(world.owner)
    too_long = "Groen. " * 2858  # 20,006 characters, 20,005 once the last space is stripped

    with translation.override("nl"):
        url = reverse("companies:organisation_edit", args=[world.organisation.slug])
    response = client.post(
        url,
        profile_data(world.organisation, name="Groenwerk Hoogstraten", description=too_long),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Zorg dat deze waarde niet meer dan 5000 tekens bevat (het zijn er nu 20005)." in page
    assert "Hoogstens 5.000 tekens." in page  # the stated limit, next to the field
    assert 'value="Groenwerk Hoogstraten"' in page
    assert too_long.strip() in page
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Groenwerk Tongeren"


def test_the_form_states_the_limit_of_the_description_and_the_textarea_enforces_it(client, world):
    client.force_login(world.owner)

    page = client.get(edit_url(world.organisation)).content.decode()

    assert '<span class="field__limit">At most 5,000 characters.</span>' in page
    assert 'maxlength="5000"' in page
    # The limit describes the field (no hand-written help text repeats it).
    assert page.count("5,000 characters") == 1


# --- Only the kind's fields (issue 18, item 5) ---------------------------------------------------


def test_editing_a_regular_firm_asks_no_social_economy_details_and_ignores_them(client, world):
    firm = OrganisationFactory(kind="regular")
    OwnerFactory(organisation=firm, user=world.owner)
    client.force_login(world.owner)

    page = client.get(edit_url(firm)).content.decode()
    assert 'name="recognitions"' not in page
    assert "Changing the kind? Save the profile" in page

    recognition = Recognition.objects.get(slug="kringwinkel")
    response = client.post(edit_url(firm), profile_data(firm, recognitions=[recognition.pk]))
    assert response.status_code == 302
    assert not firm.recognitions.exists()


def test_becoming_a_social_enterprise_shows_its_fields_after_saving(client, world):
    firm = OrganisationFactory(kind="regular")
    OwnerFactory(organisation=firm, user=world.owner)
    client.force_login(world.owner)

    response = client.post(edit_url(firm), profile_data(firm, kind="social"), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == edit_url(firm)
    assert "Now give your recognitions and target groups." in page
    assert 'name="recognitions"' in page


def test_editing_a_social_enterprise_asks_its_details(client, world):
    client.force_login(world.owner)

    page = client.get(edit_url(world.organisation)).content.decode()

    assert 'name="recognitions"' in page
    assert 'name="target_groups"' in page
