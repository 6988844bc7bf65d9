"""Look-alike names (issue 16): names and titles lose their invisible characters, and a new
organisation whose name looks like another's is pointed out to its creator and to regisseurs.

The four tricks seen on the live server: a zero-width space, a right-to-left override, a trailing
zero-width joiner, and a Cyrillic letter in place of a Latin one."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from companies.models import Organisation
from portal import names
from portal.models import User
from tests.factories import (
    OrganisationFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
    log_in_as,
    postcode,
)
from tests.vacancies.conftest import vacancy_data
from vacancies.models import Vacancy
from vouchers.admin import ProgrammeForm

pytestmark = pytest.mark.django_db

NEW = "/en/organisations/new/"
CHANGELIST = "/en/admin/companies/organisation/"
ORIGINAL = "Bakkerij De Korenbloem"
CYRILLIC_A = "\u0430"
TRICKS = {
    "zero-width space": "Bakkerij De\u200b Korenbloem",
    "right-to-left override": "\u202eBakkerij De Korenbloem",
    "trailing zero-width joiner": "Bakkerij De Korenbloem\u200d",
    "Cyrillic a": f"B{CYRILLIC_A}kkerij De Korenbloem",
}
WARNING = "A similar-looking organisation is already on the portal"


@pytest.fixture
def original(reference_data, media):
    return OrganisationFactory(name=ORIGINAL, postcode=postcode("3700"))


@pytest.fixture
def creator(client, reference_data):
    user = UserFactory(name="Carl Creator")
    log_in_as(client, user)
    return user


def form_data(**changes):
    return {
        "kind": "regular",
        "name": "Bakkerij Nieuw",
        "enterprise_number": "0403.170.701",
        "street": "Grote Markt 1",
        "postcode": "3500",
        "show_collaborations": "on",
        **changes,
    }


# --- The normal form and the skeleton ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Brug\u200bwerk", "Brugwerk"),  # zero-width space
        ("\u202eBrugwerk\u202c", "Brugwerk"),  # right-to-left override and its end
        ("Brugwerk\u200d", "Brugwerk"),  # trailing zero-width joiner
        ("\u2066Brug\u2069werk\u2060", "Brugwerk"),  # isolates, word joiner
        ("\ufeffBrug\u00adwerk", "Brugwerk"),  # byte order mark, soft hyphen
        ("Brugwerk\ufe0f\u3164", "Brugwerk"),  # variation selector, Hangul filler
        ("  Brug \t\n werk\u00a0 vzw ", "Brug werk vzw"),  # whitespace, no-break space
        ("\uff22\uff52\uff55\uff47", "Brug"),  # full-width letters (NFKC)
        ("Cafe\u0301", "Café"),  # a combining accent becomes one letter
        ("Bakkerij Gérard", "Bakkerij Gérard"),  # what shows stays
    ],
)
def test_a_name_loses_invisible_characters_and_keeps_what_shows(typed, stored):
    assert names.normalise(typed) == stored


@pytest.mark.parametrize("trick", TRICKS.values(), ids=TRICKS.keys())
def test_every_trick_has_the_skeleton_of_the_original(trick):
    assert names.skeleton(trick) == names.skeleton(ORIGINAL) == "bakkerij de korenbloem"


@pytest.mark.parametrize(
    "honest", ["Bakkerij De Korenaar", "Bakkerij De Korenbloem Gent", "Bakkerij Korenbloem"]
)
def test_honest_distinct_names_have_distinct_skeletons(honest):
    assert names.skeleton(honest) != names.skeleton(ORIGINAL)


def test_greek_and_mathematical_letters_fold_to_latin():
    assert names.skeleton("\u0392\u03bfuw \U0001d401\U0001d42b\U0001d42e\U0001d420") == "bouw brug"


# --- The creator is warned and may go on -------------------------------------------------------


@pytest.mark.parametrize("trick", TRICKS.values(), ids=TRICKS.keys())
def test_a_look_alike_name_is_shown_with_the_original_and_nothing_is_saved(
    client, creator, original, trick
):
    response = client.post(NEW, form_data(name=trick))

    assert response.status_code == 200
    page = response.content.decode()
    assert WARNING in page
    assert f'<a href="/en/organisations/{original.slug}/">{ORIGINAL}</a>' in page
    assert "Tick this box if yours is another organisation." in page
    assert 'name="confirm_look_alike"' in page
    assert f'href="/en/organisations/join/?q={original.enterprise_number}"' in page
    # The input is kept, without its invisible characters.
    assert f'value="{names.normalise(trick)}"' in page
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("trick", TRICKS.values(), ids=TRICKS.keys())
def test_the_creator_confirms_and_the_organisation_is_added_under_the_normalised_name(
    client, creator, original, trick
):
    response = client.post(NEW, form_data(name=trick, confirm_look_alike="on"))

    assert response.status_code == 302
    added = Organisation.objects.exclude(pk=original.pk).get()
    assert added.name == names.normalise(trick)
    assert added.name_skeleton == original.name_skeleton
    assert list(Organisation.objects.looking_like(added.name, excluding=added)) == [original]


def test_invisible_characters_never_reach_the_stored_name(client, creator, original):
    client.post(
        NEW, form_data(name="\u202eBakkerij\u200b De Korenbloem\u200d", confirm_look_alike="on")
    )

    assert Organisation.objects.filter(name=ORIGINAL).count() == 2


def test_an_honest_distinct_name_is_added_without_a_question(client, creator, original):
    response = client.post(NEW, form_data(name="Bakkerij De Korenaar"))

    assert response.status_code == 302
    assert Organisation.objects.filter(name="Bakkerij De Korenaar").exists()
    assert WARNING not in client.get(response["Location"]).content.decode()


def test_the_same_name_in_other_capitals_is_a_look_alike(client, creator, original):
    response = client.post(NEW, form_data(name="BAKKERIJ DE KORENBLOEM"))

    assert response.status_code == 200
    assert WARNING in response.content.decode()


def test_the_warning_comes_with_the_other_errors_and_the_tick_is_kept(client, creator, original):
    response = client.post(
        NEW, form_data(name=TRICKS["Cyrillic a"], postcode="9999", confirm_look_alike="on")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "We do not know the postcode 9999" in page
    assert WARNING in page
    assert 'name="confirm_look_alike" id="id_confirm_look_alike" checked' in page
    assert Organisation.objects.count() == 1


def test_a_name_of_invisible_characters_only_is_refused_as_empty(client, creator):
    response = client.post(NEW, form_data(name="\u200b\u200d\u202e"))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Organisation.objects.exists()


def test_the_look_alike_lookup_is_one_query(original, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert list(Organisation.objects.looking_like(TRICKS["Cyrillic a"])) == [original]


@pytest.mark.postgres
def test_the_look_alike_lookup_uses_the_skeleton_index(original):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    query = Organisation.objects.looking_like(ORIGINAL).only("pk")
    with connection.cursor() as cursor:
        # Few rows make a sequential scan cheapest; the question is whether the index serves.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "organisation_name_skeleton" in plan


def test_the_migration_fills_the_skeleton_of_existing_organisations(original):
    Organisation.objects.filter(pk=original.pk).update(name_skeleton="")
    migration = importlib.import_module("companies.migrations.0008_organisation_name_skeleton")

    migration.fill_skeletons(apps, SimpleNamespace(connection=connection))

    assert Organisation.objects.get(pk=original.pk).name_skeleton == "bakkerij de korenbloem"


def test_a_save_keeps_the_skeleton_in_step_with_the_name(original):
    original.name = f"Korenbl{CYRILLIC_A}{CYRILLIC_A}m\u200b"
    original.save(update_fields=["name"])

    original.refresh_from_db()
    assert (original.name, original.name_skeleton) == (
        f"Korenbl{CYRILLIC_A}{CYRILLIC_A}m",
        "korenblaam",
    )


# --- The regisseur sees the flag in the admin ----------------------------------------------------


@pytest.fixture
def look_alike(original):
    """The Cyrillic twin, added a day later (created before the form warned)."""
    twin = OrganisationFactory(name=TRICKS["Cyrillic a"], postcode=postcode("3700"))
    Organisation.objects.filter(pk=twin.pk).update(created_at=timezone.now() + timedelta(days=1))
    return twin


@pytest.fixture
def regisseur(reference_data):
    from portal.models import Region

    user = StaffFactory(name="Rita Regisseur")
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(user)
    return user


def listed(response):
    return {organisation.pk for organisation in response.context["cl"].result_list}


def test_the_regisseur_filters_the_look_alikes(client, regisseur, original, look_alike):
    honest = OrganisationFactory(name="Bakkerij De Korenaar", postcode=postcode("3700"))
    log_in_as(client, regisseur)

    alike = client.get(CHANGELIST, {"look_alike": "yes"})
    not_alike = client.get(CHANGELIST, {"look_alike": "no"})

    assert alike.status_code == 200
    assert listed(alike) == {original.pk, look_alike.pk}
    assert listed(not_alike) == {honest.pk}
    assert "Look-alike of another organisation" in alike.content.decode()


def test_the_list_flags_each_look_alike(client, regisseur, original, look_alike):
    OrganisationFactory(name="Bakkerij De Korenaar", postcode=postcode("3700"))
    log_in_as(client, regisseur)

    response = client.get(CHANGELIST)

    flags = {
        organisation.name: organisation.has_look_alike
        for organisation in response.context["cl"].result_list
    }
    assert flags == {ORIGINAL: True, TRICKS["Cyrillic a"]: True, "Bakkerij De Korenaar": False}
    page = response.content.decode()
    assert "column-look_alike_column" in page
    assert page.count('alt="True"') == 2


def test_the_change_page_links_the_other_organisation(client, regisseur, original, look_alike):
    log_in_as(client, regisseur)

    page = client.get(f"{CHANGELIST}{look_alike.pk}/change/").content.decode()

    assert "Organisations with a look-alike name" in page
    assert f'<a href="{CHANGELIST}{original.pk}/change/">{ORIGINAL}</a>' in page
    assert original.enterprise_number_display in page


def test_the_change_page_of_an_honest_name_names_no_look_alike(client, regisseur, original):
    log_in_as(client, regisseur)

    page = client.get(f"{CHANGELIST}{original.pk}/change/").content.decode()

    assert "Organisations with a look-alike name" in page
    assert '/change/">' not in page.split("Organisations with a look-alike name")[1][:400]


def test_an_administrator_renaming_in_the_admin_stores_the_normalised_name(
    client, reference_data, original
):
    log_in_as(client, StaffFactory(is_superuser=True))

    page = client.get(f"{CHANGELIST}{original.pk}/change/")
    form = page.context["adminform"].form
    data = {
        key: "on" if value is True else value
        for key, value in form.initial.items()
        if key in form.fields and type(value) in {str, int, bool} and value is not False
    }
    data.update(
        {
            "name": "\u202eBakkerij De Korenbloem\u200b vzw",
            "postcode": original.postcode_id,
            "services-TOTAL_FORMS": 0,
            "services-INITIAL_FORMS": 0,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        }
    )
    response = client.post(f"{CHANGELIST}{original.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    original.refresh_from_db()
    assert original.name == "Bakkerij De Korenbloem vzw"


# --- Names of people, vacancies and programmes -------------------------------------------------


def test_an_administrator_changing_a_users_name_stores_it_normalised(client, reference_data):
    person = UserFactory(name="Piet")
    log_in_as(client, StaffFactory(is_superuser=True))

    response = client.post(
        f"/en/admin/portal/user/{person.pk}/change/",
        {
            "email": person.email,
            "name": "Piet\u200b \u202eJanssens\u200d",
            "language": "nl",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).name == "Piet Janssens"


def test_a_vacancy_title_is_stored_without_invisible_characters(client, reference_data):
    owner = OwnerFactory(organisation__postcode=postcode("3700")).user
    log_in_as(client, owner)

    response = client.post(
        "/en/vacancies/new/",
        {**vacancy_data(title="\u202eMagazijn\u200bmedewerker\u200d  (m/v/x)"), "action": "draft"},
    )

    assert response.status_code == 302
    assert Vacancy.objects.get().title == "Magazijnmedewerker (m/v/x)"


def test_a_programme_name_is_normalised():
    assert (
        ProgrammeForm.base_fields["name"].clean("Cheques\u200b \u202e2027\u200d") == "Cheques 2027"
    )
