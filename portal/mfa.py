"""allauth.mfa's adapter: authenticator secrets are encrypted at rest.

allauth stores an authenticator app's TOTP secret and the seed of the recovery codes in the
database (`mfa.Authenticator.data`) and passes each through the adapter's `encrypt` and
`decrypt`. Ours encrypts with Fernet (AES-128-CBC with an HMAC-SHA256, from `cryptography`), so a
copy of the database, a backup or an SQL injection gives nobody the codes of the staff's apps.

The key: the HKDF-SHA256 of `MFA_ENCRYPTION_KEY` (info `KEY_INFO`, no salt), or, when that is not
set, of `SECRET_KEY`. Earlier keys keep decrypting: `MFA_ENCRYPTION_KEY_FALLBACKS`, and with the
default also `SECRET_KEY_FALLBACKS`, so rotating a key never locks staff out; what is encrypted
from then on uses the first key. Migration portal 0006 encrypted the secrets stored before.
"""

import base64
from functools import lru_cache

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_INFO = b"brugwerk mfa secrets"


def fernet_key(secret):
    """The Fernet key derived from a secret string: HKDF-SHA256, 32 bytes, urlsafe base64."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


def key_secrets():
    """The secrets to derive keys from, the one that encrypts first."""
    if settings.MFA_ENCRYPTION_KEY:
        return (settings.MFA_ENCRYPTION_KEY, *settings.MFA_ENCRYPTION_KEY_FALLBACKS)
    return (
        settings.SECRET_KEY,
        *settings.SECRET_KEY_FALLBACKS,
        *settings.MFA_ENCRYPTION_KEY_FALLBACKS,
    )


@lru_cache(maxsize=4)
def _cipher(secrets):
    return MultiFernet([Fernet(fernet_key(secret)) for secret in secrets])


def encrypt(text):
    return _cipher(key_secrets()).encrypt(text.encode()).decode("ascii")


def decrypt(token):
    try:
        return _cipher(key_secrets()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "An authenticator's secret cannot be decrypted with MFA_ENCRYPTION_KEY (or, when it "
            "is not set, SECRET_KEY). Was the key changed without listing the old one in "
            "MFA_ENCRYPTION_KEY_FALLBACKS?"
        ) from None


def is_encrypted(text):
    """True for a token that one of the keys decrypts."""
    try:
        _cipher(key_secrets()).decrypt(text.encode())
    except InvalidToken:
        return False
    return True


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text):
        return encrypt(text)

    def decrypt(self, encrypted_text):
        return decrypt(encrypted_text)
