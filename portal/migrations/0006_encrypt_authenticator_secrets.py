"""Encrypt the authenticator secrets stored in the clear before portal.mfa.MFAAdapter (issue 16):
the TOTP secret of each authenticator app, the seed of each set of recovery codes and any codes
migrated from elsewhere. Backwards, they are decrypted again. A value already encrypted (or, going
back, one that is not) is left as it is, so running either way twice changes nothing."""

from django.db import migrations

from portal import mfa

# Where allauth.mfa keeps a secret, per authenticator type: single values and lists of values.
SECRETS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


def _convert(apps, *, encrypted):
    """Encrypt (`encrypted=True`) or decrypt every secret not yet in that state."""

    def convert(value):
        if mfa.is_encrypted(value) == encrypted:
            return value
        return mfa.encrypt(value) if encrypted else mfa.decrypt(value)

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(
        type__in=SECRETS.keys() | SECRET_LISTS.keys()
    ).iterator():
        data = dict(authenticator.data)
        for name in SECRETS.get(authenticator.type, ()):
            if isinstance(data.get(name), str):
                data[name] = convert(data[name])
        for name in SECRET_LISTS.get(authenticator.type, ()):
            if isinstance(data.get(name), list):
                data[name] = [convert(value) for value in data[name]]
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt_secrets(apps, schema_editor):
    _convert(apps, encrypted=True)


def decrypt_secrets(apps, schema_editor):
    _convert(apps, encrypted=False)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_search_words"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets, elidable=False)]
