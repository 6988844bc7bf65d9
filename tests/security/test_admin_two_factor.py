"""Two-factor authentication (allauth.mfa): staff need an authenticator app, and a session that
passed it, before the admin (portal/twofactor.py); everybody is asked for the code at login once
one is active; recovery codes work once each; people who are not staff may turn it on, and need
not. The secrets are stored encrypted (portal/mfa.py)."""

import re
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _

from portal.demo import DEMO_TOTP_SECRET
from portal.models import Region, User
from tests.factories import (
    PASSWORD,
    STAFF_TOTP_SECRET,
    StaffFactory,
    UserFactory,
    log_in_with_second_factor,
    totp_code,
)

pytestmark = pytest.mark.django_db

SETUP = "/accounts/2fa/totp/activate/"
CODE_STEP = "/accounts/2fa/reauthenticate/"


def regisseur(**fields):
    staff = StaffFactory(**fields)
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(staff)
    return staff


def log_in(client, user):
    """The login form: True when the password alone logged in, False when a code is asked."""
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    if response["Location"] == "/accounts/2fa/authenticate/":
        assert "_auth_user_id" not in client.session
        return False
    return True


def logged_in(client):
    return "_auth_user_id" in client.session


def kept_out_of_the_admin(client):
    """Refused by the admin's login (403), never sent to the two-factor setup."""
    response = client.get("/admin/", follow=True)
    return response.status_code == 403 and all(
        SETUP not in url for url, _ in response.redirect_chain
    )


@pytest.mark.parametrize("who", ["regisseur", "administrator"])
@pytest.mark.parametrize(
    ("path", "setup"),
    [
        ("/admin/", SETUP),
        ("/admin/vouchers/voucher/", SETUP),
        ("/admin/companies/organisation/?q=x", SETUP),
        ("/en/admin/vacancies/vacancy/", f"/en{SETUP}"),
    ],
)
def test_staff_without_an_authenticator_are_sent_from_the_admin_to_the_setup(
    client, reference_data, who, path, setup
):
    staff = (
        regisseur(authenticator=False)
        if who == "regisseur"
        else StaffFactory(is_superuser=True, authenticator=False)
    )
    client.force_login(staff)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == setup
    with translation.override("en" if setup.startswith("/en/") else "nl"):
        message = _(
            "Staff members see this page only with two-factor authentication. "
            "Activate an authenticator app first."
        )
    assert message in client.get(setup, follow=True).content.decode()


def test_a_post_to_the_admin_without_an_authenticator_changes_nothing(client, reference_data):
    administrator = StaffFactory(is_superuser=True, authenticator=False)
    other = UserFactory(name="Ongewijzigd")
    client.force_login(administrator)

    response = client.post(
        f"/admin/portal/user/{other.pk}/change/", {"email": other.email, "name": "Gewijzigd"}
    )

    assert response["Location"] == SETUP
    other.refresh_from_db()
    assert other.name == "Ongewijzigd"


def test_recovery_codes_alone_are_not_enough_for_the_admin(client):
    staff = StaffFactory(authenticator=False)
    RecoveryCodes.activate(staff)
    client.force_login(staff)

    assert client.get("/admin/")["Location"] == SETUP


def test_staff_who_logged_in_with_the_code_use_the_admin(client, reference_data):
    log_in_with_second_factor(client, regisseur())

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/vouchers/voucher/").status_code == 200


@pytest.mark.parametrize("who", ["regisseur", "administrator"])
def test_an_authenticator_is_not_enough_the_session_must_have_passed_the_code(
    client, reference_data, who
):
    """A session that logged in with the password before the app was activated (here: on
    another device) holds no second factor: the admin sends it to the code, and back."""
    staff = (
        regisseur(authenticator=False)
        if who == "regisseur"
        else StaffFactory(is_superuser=True, authenticator=False)
    )
    assert log_in(client, staff) is True
    TOTP.activate(staff, STAFF_TOTP_SECRET)

    response = client.get("/admin/vouchers/voucher/?o=1")

    assert response.status_code == 302
    assert response["Location"] == f"{CODE_STEP}?next=%2Fadmin%2Fvouchers%2Fvoucher%2F%3Fo%3D1"
    step = client.get(response["Location"])
    assert step.status_code == 200
    assert (
        _(
            "Staff members see this page only with two-factor authentication. Enter the code of "
            "your authenticator app to continue."
        )
        in step.content.decode()
    )
    wrong = client.post(response["Location"], {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302

    right = client.post(response["Location"], {"code": totp_code()})

    assert right["Location"] == "/admin/vouchers/voucher/?o=1"
    assert client.get(right["Location"]).status_code == 200


def test_a_forced_session_of_staff_with_an_app_is_sent_to_the_code_with_nothing_changed(
    client, reference_data
):
    administrator = StaffFactory(is_superuser=True)
    other = UserFactory(name="Ongewijzigd")
    client.force_login(administrator)

    response = client.post(
        f"/admin/portal/user/{other.pk}/change/", {"email": other.email, "name": "Gewijzigd"}
    )

    assert response["Location"] == CODE_STEP
    other.refresh_from_db()
    assert other.name == "Ongewijzigd"


def test_staff_log_in_with_password_and_code_and_reach_the_admin(client):
    staff = StaffFactory(is_superuser=True)

    assert log_in(client, staff) is False
    page = client.get("/accounts/2fa/authenticate/")
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and not logged_in(client)
    right = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})

    assert right.status_code == 302 and logged_in(client)
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_goes_through_the_code_too(client):
    staff = StaffFactory(is_superuser=True)

    to_login = client.get("/admin/login/?next=/admin/")
    assert to_login["Location"].startswith("/accounts/login/")
    client.post(to_login["Location"], {"login": staff.email, "password": PASSWORD})
    assert not logged_in(client)
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_activate_an_authenticator_app_and_then_use_the_admin(client):
    staff = StaffFactory(authenticator=False)
    assert log_in(client, staff) is True
    assert client.get("/admin/")["Location"] == SETUP

    # allauth asks for the password again before a second factor is added.
    reauthenticate = client.get(SETUP)
    assert reauthenticate["Location"].startswith("/accounts/reauthenticate/")
    client.post(reauthenticate["Location"], {"password": PASSWORD})
    page = client.get(SETUP)
    assert page.status_code == 200
    secret = page.context["form"].secret
    html = page.content.decode()
    # The QR code is an SVG data: address, which the Content-Security-Policy allows for images.
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', html)
    assert f'alt="{secret}"' not in html
    wrong = client.post(SETUP, {"code": "123456"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=staff).exists()

    done = client.post(SETUP, {"code": totp_code(secret)})

    assert done.status_code == 302
    assert Authenticator.objects.filter(user=staff, type="totp").exists()
    # allauth adds recovery codes with the first authenticator and shows them next.
    assert Authenticator.objects.filter(user=staff, type="recovery_codes").exists()
    assert client.get(done["Location"]).status_code == 200
    # Activating proves the app, not this session: the admin asks for a code once more.
    to_code = client.get("/admin/")
    assert to_code["Location"] == f"{CODE_STEP}?next=%2Fadmin%2F"
    back = client.post(to_code["Location"], {"code": totp_code(secret)})
    assert back["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_logs_in_once(client):
    staff = StaffFactory()
    codes = RecoveryCodes.activate(staff).get_unused_codes()

    log_in(client, staff)
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert logged_in(client)
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/logout/")

    log_in(client, staff)
    again = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert again.status_code == 200 and not logged_in(client)
    client.post("/accounts/2fa/authenticate/", {"code": codes[1]})
    assert logged_in(client)


def test_people_who_are_not_staff_log_in_without_a_code_and_never_see_the_setup(client, user):
    assert log_in(client, user) is True

    assert client.get("/dashboard/").status_code == 200
    assert kept_out_of_the_admin(client)
    assert client.get("/accounts/2fa/").status_code == 200


def test_anybody_may_turn_on_an_authenticator_app_and_is_then_asked_for_the_code(client, user):
    TOTP.activate(user, STAFF_TOTP_SECRET)

    assert log_in(client, user) is False
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})

    assert logged_in(client)
    assert kept_out_of_the_admin(client)


def test_the_account_pages_link_to_two_factor_authentication(client, user):
    client.force_login(user)

    page = client.get("/accounts/password/change/").content.decode()

    assert 'href="/accounts/2fa/"' in page


def test_seed_demo_gives_staff_an_authenticator_app_and_prints_its_secret(reference_data, settings):
    settings.DEBUG = True
    output = StringIO()

    call_command("seed_demo", stdout=output)

    assert DEMO_TOTP_SECRET in output.getvalue()
    for staff in User.objects.filter(is_staff=True):
        totp = Authenticator.objects.get(user=staff, type="totp")
        assert DEMO_TOTP_SECRET not in str(totp.data)
        assert TOTP(totp).validate_code(totp_code(DEMO_TOTP_SECRET))
    assert not Authenticator.objects.filter(user__is_staff=False).exists()
