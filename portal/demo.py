"""Demo users of the shared kernel: an administrator and a regisseur (see seed_demo)."""

from allauth.account.models import EmailAddress

from .models import Region, User

DEMO_PASSWORD = "brugwerk-demo"  # noqa: S105 (local demo accounts; seed_demo refuses in production)


def demo_user(email, *, name, **fields):
    """Get or create a user with a verified address and the demo password."""
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, **fields})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed():
    demo_user("admin@brugwerk.test", name="Ada Admin", is_staff=True, is_superuser=True)
    regisseur = demo_user("regisseur@brugwerk.test", name="Rita Regisseur", is_staff=True)
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(regisseur)
    return [
        ("administrator", "admin@brugwerk.test"),
        ("regisseur Zuidoost-Limburg", "regisseur@brugwerk.test"),
    ]
