"""The admin's list of authenticators (portal/admin.py replaces allauth's): administrators see
whose app or recovery codes, of which kind and when, in their language, and delete the app of
someone who lost their phone; nobody adds or edits one there, and regisseurs do not see it."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Region
from tests.factories import StaffFactory, UserFactory, log_in_as

pytestmark = pytest.mark.django_db

LIST = "/admin/mfa/authenticator/"


def regisseur():
    staff = StaffFactory()
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(staff)
    return staff


def test_an_administrator_sees_the_list_in_their_language_without_the_secrets(client):
    administrator = StaffFactory(is_superuser=True)
    RecoveryCodes.activate(administrator)
    log_in_as(client, administrator)
    totp = Authenticator.objects.get(user=administrator, type=Authenticator.Type.TOTP)

    listing = client.get(f"/fr{LIST}").content.decode()
    page = client.get(f"/fr{LIST}{totp.pk}/change/").content.decode()

    assert "Codes de récupération" in listing and "Authentificateur TOTP" in listing
    assert administrator.email in page
    assert "secret" not in page.lower()
    assert "Enregistrer" not in page


@pytest.mark.parametrize("who", ["regisseur", "staff without a region", "member"])
def test_nobody_but_an_administrator_sees_or_deletes_an_authenticator(client, reference_data, who):
    owner = UserFactory()
    app = Authenticator.objects.create(user=owner, type=Authenticator.Type.TOTP, data={})
    user = {
        "regisseur": regisseur,
        "staff without a region": StaffFactory,
        "member": UserFactory,
    }[who]()
    log_in_as(client, user)

    listing = client.get(LIST)
    deleting = client.post(f"{LIST}{app.pk}/delete/", {"post": "yes"})

    assert listing.status_code == (302 if who == "member" else 403)
    assert deleting.status_code == (302 if who == "member" else 403)
    assert Authenticator.objects.filter(pk=app.pk).exists()


def test_an_administrator_deletes_the_app_of_someone_who_lost_their_phone(client):
    owner = UserFactory()
    app = Authenticator.objects.create(user=owner, type=Authenticator.Type.TOTP, data={})
    log_in_as(client, StaffFactory(is_superuser=True))

    response = client.post(f"{LIST}{app.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=app.pk).exists()


def test_nobody_adds_or_edits_an_authenticator_in_the_admin(client):
    owner = UserFactory()
    app = Authenticator.objects.create(user=owner, type=Authenticator.Type.TOTP, data={})
    log_in_as(client, StaffFactory(is_superuser=True))

    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}{app.pk}/change/", {"type": "recovery_codes"}).status_code == 403
    app.refresh_from_db()
    assert app.type == Authenticator.Type.TOTP


def test_the_list_runs_the_same_queries_however_long_it_is(client, django_assert_num_queries):
    log_in_as(client, StaffFactory(is_superuser=True))
    for _ in range(2):
        Authenticator.objects.create(user=UserFactory(), type=Authenticator.Type.TOTP, data={})
    client.get(LIST)  # warm the session and the caches
    with CaptureQueriesContext(connection) as short:
        client.get(LIST)
    for _ in range(8):
        Authenticator.objects.create(user=UserFactory(), type=Authenticator.Type.TOTP, data={})
    # The session, the user, the counts, and the page of authenticators with their users (one
    # join): 5, for 2 authenticators as for 10.
    assert len(short.captured_queries) == 5
    with django_assert_num_queries(5):
        response = client.get(LIST)

    assert response.status_code == 200
