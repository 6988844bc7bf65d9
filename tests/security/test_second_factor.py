"""Staff see more than the public view only in a session that passed the second factor
(portal/twofactor.py, issue 16): the admin and a report's regional or full figures. Everybody
else sees what they saw before. The report tests of who sees which figures are in
tests/companies/test_reports.py; the admin's in tests/security/test_admin_two_factor.py."""

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from companies import reports
from portal.models import Region
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    StaffFactory,
    log_in_with_second_factor,
    totp_code,
)

pytestmark = pytest.mark.django_db

REGIONAL = "/reports/firms/?region=zuidoost-limburg"


@pytest.fixture
def regisseur(reference_data):
    staff = StaffFactory(name="Rita Regisseur")
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(staff)
    return staff


def forced_session(client, staff):
    """A session with no record of a second factor (as one from before this rule)."""
    client.force_login(staff)


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_visitors_and_members_see_the_public_figures_of_a_region_as_before(
    client, reference_data, who
):
    if who == "member":
        client.force_login(MembershipFactory().user)

    response = client.get(REGIONAL)

    assert response.status_code == 200
    assert _("Public figures.") in response.content.decode()


def test_a_regisseur_is_sent_to_the_code_in_their_language_and_back_to_the_french_page(
    client, regisseur
):
    forced_session(client, regisseur)

    response = client.get(f"/fr{REGIONAL}")

    assert response["Location"] == (
        "/fr/accounts/2fa/reauthenticate/?next=%2Ffr%2Freports%2Ffirms%2F%3Fregion%3D"
        "zuidoost-limburg"
    )
    with translation.override("fr"):
        message = _(
            "Staff members see this page only with two-factor authentication. Enter the "
            "code of your authenticator app to continue."
        )
    assert message in client.get(response["Location"]).content.decode()
    back = client.post(response["Location"], {"code": totp_code()})
    assert back["Location"] == f"/fr{REGIONAL}"
    assert client.get(back["Location"]).context["mode"] == reports.Mode.REGIONAL


def test_the_admin_and_the_regional_report_ask_once_per_session(client, regisseur):
    client.post("/accounts/login/", {"login": regisseur.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})

    assert client.get(REGIONAL).context["mode"] == reports.Mode.REGIONAL
    assert client.get("/admin/").status_code == 200


def test_a_new_login_without_the_code_does_not_inherit_an_old_sessions_second_factor(
    client, regisseur
):
    log_in_with_second_factor(client, regisseur)
    client.post("/accounts/logout/")
    forced_session(client, regisseur)

    assert client.get(REGIONAL)["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert client.get("/admin/")["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"


def test_the_second_factor_of_another_account_in_the_session_does_not_count(client, regisseur):
    """allauth keeps the records per user: a session switched to another account starts empty."""
    administrator = StaffFactory(is_superuser=True)
    log_in_with_second_factor(client, regisseur)
    client.force_login(administrator)

    assert client.get("/admin/")["Location"].startswith("/accounts/2fa/reauthenticate/")


def test_logging_out_of_the_admin_works_without_the_code(client, regisseur):
    forced_session(client, regisseur)

    response = client.post("/admin/logout/")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
