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
    name = factory.Faker("name", locale="nl_BE")
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
