"""Authenticator secrets are encrypted at rest (portal/mfa.py, issue 16): the TOTP secret and
the recovery codes' seed are stored as Fernet tokens under a key from MFA_ENCRYPTION_KEY (or
SECRET_KEY), the login with a code still works, an earlier key keeps working, and migration
portal 0006 encrypts the secrets stored in the clear before (and decrypts them going back)."""

from importlib import import_module

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from portal import mfa
from tests.factories import (
    PASSWORD,
    STAFF_TOTP_SECRET,
    StaffFactory,
    log_in_with_second_factor,
    totp_code,
)
from tests.portal.test_settings import PRODUCTION, run_django

pytestmark = pytest.mark.django_db

migration = import_module("portal.migrations.0006_encrypt_authenticator_secrets")


def stored(user, kind="totp"):
    return Authenticator.objects.get(user=user, type=kind).data


def test_the_stored_totp_secret_is_not_the_secret():
    staff = StaffFactory()

    data = stored(staff)

    assert STAFF_TOTP_SECRET not in str(data)
    assert data["secret"].startswith("gAAAAA")  # a Fernet token
    assert mfa.decrypt(data["secret"]) == STAFF_TOTP_SECRET


def test_the_recovery_codes_seed_is_stored_encrypted_and_the_codes_still_work(client):
    staff = StaffFactory()
    codes = RecoveryCodes.activate(staff).get_unused_codes()
    seed = mfa.decrypt(stored(staff, "recovery_codes")["seed"])

    assert seed not in str(stored(staff, "recovery_codes"))
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_staff_log_in_with_the_code_of_an_encrypted_secret(client, reference_data):
    staff = StaffFactory(is_superuser=True)

    log_in_with_second_factor(client, staff)

    assert client.get("/admin/").status_code == 200


def test_the_key_comes_from_mfa_encryption_key_and_an_earlier_one_still_decrypts(settings):
    staff = StaffFactory()
    before = stored(staff)["secret"]
    settings.MFA_ENCRYPTION_KEY = "n" * 40
    settings.MFA_ENCRYPTION_KEY_FALLBACKS = [settings.SECRET_KEY]

    assert mfa.decrypt(before) == STAFF_TOTP_SECRET
    after = mfa.encrypt(STAFF_TOTP_SECRET)
    settings.MFA_ENCRYPTION_KEY_FALLBACKS = []
    assert mfa.decrypt(after) == STAFF_TOTP_SECRET
    with pytest.raises(ImproperlyConfigured, match="MFA_ENCRYPTION_KEY_FALLBACKS"):
        mfa.decrypt(before)


def test_a_rotated_secret_key_listed_in_its_fallbacks_keeps_the_apps_working(settings):
    staff = StaffFactory()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" * 4

    assert mfa.decrypt(stored(staff)["secret"]) == STAFF_TOTP_SECRET


def test_the_migration_encrypts_secrets_stored_in_the_clear_and_decrypts_them_going_back(client):
    staff = StaffFactory(authenticator=False)
    totp = Authenticator.objects.create(user=staff, type="totp", data={"secret": STAFF_TOTP_SECRET})
    seed = "ab" * 40
    codes = Authenticator.objects.create(
        user=staff, type="recovery_codes", data={"seed": seed, "used_mask": 0}
    )

    migration.encrypt_secrets(apps, None)
    migration.encrypt_secrets(apps, None)  # twice changes nothing

    totp.refresh_from_db()
    codes.refresh_from_db()
    assert STAFF_TOTP_SECRET not in str(totp.data)
    assert mfa.decrypt(totp.data["secret"]) == STAFF_TOTP_SECRET
    assert mfa.decrypt(codes.data["seed"]) == seed and codes.data["used_mask"] == 0
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert client.session["_auth_user_id"] == str(staff.pk)

    migration.decrypt_secrets(apps, None)

    totp.refresh_from_db()
    codes.refresh_from_db()
    assert totp.data == {"secret": STAFF_TOTP_SECRET}
    assert codes.data == {"seed": seed, "used_mask": 0}


def test_a_short_mfa_encryption_key_stops_the_start_with_a_message():
    result = run_django("", **PRODUCTION, MFA_ENCRYPTION_KEY="too-short")

    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEY must be 32 or more random characters" in result.stderr


def test_production_starts_with_a_long_key_or_with_the_key_derived_from_secret_key():
    code = "from portal import mfa; print(mfa.decrypt(mfa.encrypt('ABC')))"

    for extra in ({"MFA_ENCRYPTION_KEY": "k" * 40}, {}):
        result = run_django(code, **PRODUCTION, **extra)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "ABC"
