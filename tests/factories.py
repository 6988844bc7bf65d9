"""factory_boy factories for test data, shared by every test folder."""

import factory
from allauth.account.models import EmailAddress

from portal.models import User

PASSWORD = "een-lang-wachtwoord-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"gebruiker{n}@example.be")
    # Deterministic names: a generated "D'Hondt" would be HTML-escaped in pages and trip tests.
    name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A user has a verified primary address unless made with verified=False."""
        if create:
            self.save()
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


class StaffFactory(UserFactory):
    is_staff = True


# --- Organisations and memberships (companies) ---------------------------------------------------


def enterprise_number(n):
    """A valid, made-up Belgian enterprise number: eight digits and their check digits."""
    eight = f"0{9100000 + n:07d}"
    return f"{eight}{97 - int(eight) % 97:02d}"


def postcode(code="3500"):
    from portal.models import Postcode

    return Postcode.objects.get(code=code)


def first_service_category():
    from portal.models import ServiceCategory

    return ServiceCategory.objects.order_by("position").first()


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Needs the reference data (the `reference_data` fixture) for its postcode."""

    class Meta:
        model = "companies.Organisation"

    kind = "regular"
    name = factory.Sequence(lambda n: f"Organisatie {n}")
    enterprise_number = factory.Sequence(enterprise_number)
    street = "Kerkstraat 1"
    postcode = factory.LazyFunction(postcode)


class SocialEnterpriseFactory(OrganisationFactory):
    kind = "social"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "companies.Membership"

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "editor"


class OwnerFactory(MembershipFactory):
    role = "owner"


class OfferedServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "companies.OfferedService"

    organisation = factory.SubFactory(SocialEnterpriseFactory)
    category = factory.LazyFunction(first_service_category)
    description = "Onderhoud van groenzones"
    radius_km = 25


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "companies.JoinRequest"

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    message = "Ik werk hier sinds kort."


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "companies.Invitation"

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"uitgenodigd{n}@example.be")
    role = "editor"
    token = factory.Sequence(lambda n: f"test-token-{n:06d}")


def listed_organisation(*, services=(), recognitions=(), code="3700", **fields):
    """An organisation as the directory finds it: its services (category slugs, or a dict of
    slug: description) and recognitions (slugs), indexed for search. Needs `reference_data`."""
    from companies import search
    from companies.models import Recognition
    from portal.models import ServiceCategory

    fields.setdefault("kind", "social")
    organisation = OrganisationFactory(postcode=postcode(code), **fields)
    descriptions = services if isinstance(services, dict) else dict.fromkeys(services, "")
    for slug, description in descriptions.items():
        OfferedServiceFactory(
            organisation=organisation,
            category=ServiceCategory.objects.get(slug=slug),
            description=description,
        )
    if recognitions:
        organisation.recognitions.set(Recognition.objects.filter(slug__in=recognitions))
    search.index(organisation)
    return organisation
