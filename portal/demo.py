"""Demo users of the shared kernel: an administrator and a regisseur (see seed_demo)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from .models import Region, User

DEMO_PASSWORD = "brugwerk-demo"  # noqa: S105 (local demo accounts; seed_demo refuses in production)
# Staff use the admin with an authenticator app (portal/twofactor.py): the demo staff share this
# secret, which seed_demo prints for a developer to add to an app.
DEMO_TOTP_SECRET = "BRUGWERKDEMOSTAFFTOTPSECRET23456"  # noqa: S105


def demo_user(email, *, name, **fields):
    """Get or create a user with a verified address and the demo password."""
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, **fields})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if (
        user.is_staff
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def seed():
    demo_user("admin@brugwerk.test", name="Ada Admin", is_staff=True, is_superuser=True)
    regisseur = demo_user("regisseur@brugwerk.test", name="Rita Regisseur", is_staff=True)
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(regisseur)
    # Each regie reads the messages to listings that nobody holds yet (companies/contact.py).
    for region in Region.objects.filter(contact_email=""):
        region.contact_email = f"regie.{region.slug}@brugwerk.test"
        region.save(update_fields=["contact_email"])
    return [
        ("administrator", "admin@brugwerk.test"),
        ("regisseur Zuidoost-Limburg", "regisseur@brugwerk.test"),
    ]
