"""A verified user puts an organisation on the portal and becomes its owner."""

import pytest

from companies.access import ACTING_SESSION_KEY
from companies.models import Membership, Organisation, Recognition
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# English pages, so that the assertions read the source texts.
URL = "/en/organisations/new/"


@pytest.fixture
def founder(reference_data, client, media):
    user = UserFactory(name="Fien Founder")
    client.force_login(user)
    return user


def form_data(**changes):
    data = {
        "kind": "regular",
        "name": "Bakkerij De Korenbloem",
        "enterprise_number": "0403.170.701",
        "street": "Grote Markt 1",
        "postcode": "3700",
        "description": "Ambachtelijk brood.",
        "website": "korenbloem.be",
        "show_collaborations": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "spelling", ["0403.170.701", "BE0403170701", "403170701", "BE 0403 170 701"]
)
def test_a_user_creates_an_organisation_and_owns_it(client, founder, spelling):
    response = client.post(URL, form_data(enterprise_number=spelling))

    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert organisation.enterprise_number == "0403170701"
    assert organisation.municipality.name_nl == "Tongeren-Borgloon"
    assert organisation.website == "https://korenbloem.be"
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (founder, "owner")
    assert client.session[ACTING_SESSION_KEY] == organisation.pk


def test_an_invalid_enterprise_number_gets_a_clear_error_and_keeps_the_input(client, founder):
    response = client.post(URL, form_data(enterprise_number="0403.170.702"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a valid Belgian enterprise number" in page
    assert 'value="Bakkerij De Korenbloem"' in page
    assert 'value="0403.170.702"' in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_enterprise_number_helptext id_enterprise_number_error"' in page
    assert not Organisation.objects.exists()


def test_an_enterprise_number_already_on_the_portal_points_to_asking_to_join(client, founder):
    OrganisationFactory(enterprise_number="0403170701", name="Bestaande Bakkerij")

    response = client.post(URL, form_data(enterprise_number="BE0403170701"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "already on the portal" in page
    assert '<a href="/en/organisations/join/?q=0403170701">' in page
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("9999", "We do not know the postcode 9999"),
        ("37", "A Belgian postcode has four digits"),
        ("abcd", "A Belgian postcode has four digits"),
    ],
)
def test_a_wrong_postcode_gets_a_clear_error(client, founder, postcode, message):
    response = client.post(URL, form_data(postcode=postcode))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'value="{postcode}"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_required_fields_are_named(client, founder):
    response = client.post(URL, {"kind": "regular"})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {
        "name",
        "enterprise_number",
        "street",
        "postcode",
    }


def test_a_social_enterprise_keeps_its_recognitions_and_goes_on_to_its_services(client, founder):
    recognition = Recognition.objects.get(slug="maatwerkbedrijf")

    response = client.post(
        URL, form_data(kind="social", name="Groenwerk", recognitions=[recognition.pk])
    )

    organisation = Organisation.objects.get()
    assert response["Location"] == f"/en/organisations/{organisation.slug}/services/"
    assert list(organisation.recognitions.all()) == [recognition]
    assert "Maatwerkbedrijf" in organisation.search_text


def test_a_regular_firm_keeps_no_social_economy_details(client, founder):
    recognition = Recognition.objects.get(slug="maatwerkbedrijf")

    client.post(URL, form_data(kind="regular", recognitions=[recognition.pk]))

    assert not Organisation.objects.get().recognitions.exists()


def test_the_form_is_for_logged_in_users(client, reference_data):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_the_form_shows_with_fieldsets_and_labels(client, founder):
    response = client.get(URL + "?kind=social")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<fieldset") >= 6
    assert '<label for="id_enterprise_number">' in page
    assert 'enctype="multipart/form-data"' in page


def test_the_slug_never_takes_a_fixed_path(client, founder):
    client.post(URL, form_data(name="Join"))

    assert Organisation.objects.get().slug == "join-organisatie"


def test_a_user_may_create_a_second_organisation_and_acts_for_the_newest(client, founder):
    client.post(URL, form_data())
    client.post(URL, form_data(name="Tweede Zaak", enterprise_number="0910000055"))

    second = Organisation.objects.get(name="Tweede Zaak")
    assert founder.memberships.count() == 2
    assert client.session[ACTING_SESSION_KEY] == second.pk


def test_losing_a_race_for_the_enterprise_number_is_a_form_error_not_a_crash(founder):
    """Two people submit the same number at once: the database constraint decides."""
    from django.core.exceptions import ValidationError

    from companies import membership
    from portal.models import Postcode

    OrganisationFactory(enterprise_number="0403170701")
    data = {
        "kind": "regular",
        "name": "Tweede",
        "enterprise_number": "0403170701",
        "street": "Markt 1",
        "postcode": Postcode.objects.get(code="3700"),
    }

    with pytest.raises(ValidationError) as refused:
        membership.create_organisation(by=founder, data=data)

    assert "enterprise_number" in refused.value.message_dict
    assert Organisation.objects.count() == 1
    assert not Membership.objects.filter(user=founder).exists()


# --- The kind first (issue 18, item 5) ------------------------------------------------------


def test_adding_an_organisation_asks_the_kind_first(client, founder):
    page = client.get(URL).content.decode()

    assert 'method="get"' in page
    assert page.count('type="radio" name="kind"') == 5
    assert 'name="enterprise_number"' not in page


def test_a_post_without_a_kind_goes_back_to_the_first_step(client, founder):
    response = client.post(URL, {"kind": "nonsense", "name": "X"})

    assert response.status_code == 200
    assert 'type="radio" name="kind"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_regular_firm_is_not_asked_the_social_economy_details_and_they_are_ignored(
    client, founder
):
    page = client.get(URL + "?kind=regular").content.decode()
    assert 'name="recognitions"' not in page
    assert 'name="target_groups"' not in page
    assert "Social economy" not in page
    assert '<input type="hidden" name="kind" value="regular"' in page
    assert "Choose another kind" in page

    recognition = Recognition.objects.get(slug="maatwerkbedrijf")
    response = client.post(URL, form_data(recognitions=[recognition.pk], target_groups=["1"]))

    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.kind == "regular"
    assert not organisation.recognitions.exists()
    assert not organisation.target_groups.exists()


def test_a_social_enterprise_is_asked_its_recognitions_and_target_groups(client, founder):
    page = client.get(URL + "?kind=social").content.decode()

    assert 'name="recognitions"' in page
    assert 'name="target_groups"' in page
    assert '<input type="hidden" name="kind" value="social"' in page
