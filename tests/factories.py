"""factory_boy factories for test data, shared by every test folder."""

import re
import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from portal import reference
from portal.models import User

PASSWORD = "een-lang-wachtwoord-42"
# The authenticator app of every StaffFactory user (base32, as an app takes it).
STAFF_TOTP_SECRET = "BRUGWERKTESTSTAFFTOTPSECRET23456"


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


def totp_code(secret=STAFF_TOTP_SECRET):
    """The code an authenticator app with this secret shows now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def log_in_with_second_factor(client, user, secret=STAFF_TOTP_SECRET):
    """Log in as allauth's forms do: the password, then the authenticator app's code. Staff see
    the admin and a report's full figures only in such a session (portal/twofactor.py).

    Works with a client that enforces CSRF checks. A code is used once: a second login in the
    same 30 seconds takes the next one, which allauth accepts too (MFA_TOTP_TOLERANCE).
    """
    client.logout()
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    csrf = {"csrfmiddlewaretoken": token.group(1)} if token else {}
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD, **csrf})
    assert response.status_code == 302, f"the password of {user.email} was refused"
    assert response["Location"] == "/accounts/2fa/authenticate/", f"{user.email} has no app"
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    for step in (0, 1, -1):
        code = format_hotp_value(hotp_value(secret, counter + step))
        response = client.post("/accounts/2fa/authenticate/", {"code": code, **csrf})
        if str(user.pk) == client.session.get("_auth_user_id"):
            # The page after the login shows (and so uses up) allauth's "signed in" message.
            client.get(response["Location"])
            return client
    raise AssertionError(f"the authenticator app's code of {user.email} was refused")


def log_in_as(client, user):
    """Log `user` in: staff with the password and the app's code (log_in_with_second_factor),
    everybody else at once (force_login), since only staff need the second factor."""
    if user.is_staff:
        return log_in_with_second_factor(client, user)
    client.force_login(user)
    return client


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def authenticator(self, create, extracted, **kwargs):
        """Staff use the admin with an authenticator app (portal/twofactor.py): every staff user
        has one with STAFF_TOTP_SECRET, unless made with authenticator=False."""
        if create and extracted is not False:
            TOTP.activate(self, STAFF_TOTP_SECRET)


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
    # The account the regie pays its vouchers to (required before it redeems one).
    iban = "BE71096123456769"


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


# --- Opportunities (vacancies): vacancies and service requests ----------------------------------


def in_days(days):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate() + timedelta(days=days)


def sector(code="C"):
    from portal.models import Sector

    return Sector.objects.get(code=code)


class VacancyFactory(factory.django.DjangoModelFactory):
    """A draft vacancy closing in three weeks; needs `reference_data`. Status and dates may be
    given as fields (status="published", published_at=...) for states tests start from."""

    class Meta:
        model = "vacancies.Vacancy"

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Magazijnmedewerker {n}")
    description = "Orderpicking en laden van vrachtwagens in een klein team."
    postcode = factory.LazyAttribute(lambda vacancy: vacancy.organisation.postcode)
    contract_type = "permanent"
    hours_per_week = 38
    sector = factory.LazyFunction(sector)
    closing_date = factory.LazyFunction(lambda: in_days(21))


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    """A draft service request closing in three weeks; needs `reference_data`."""

    class Meta:
        model = "vacancies.ServiceRequest"

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Groenonderhoud bedrijfsterrein {n}")
    description = "Maaien, snoeien en onkruid wieden rond onze loodsen."
    postcode = factory.LazyAttribute(lambda request: request.organisation.postcode)
    category = factory.LazyFunction(first_service_category)
    closing_date = factory.LazyFunction(lambda: in_days(21))


# --- Responses (vacancies): candidates for vacancies, offers on service requests ----------------


class CandidateFactory(factory.django.DjangoModelFactory):
    """A new anonymous candidate of a social enterprise for a published vacancy."""

    class Meta:
        model = "vacancies.Response"

    vacancy = factory.SubFactory(VacancyFactory, status="published")
    enterprise = factory.SubFactory(SocialEnterpriseFactory)
    experience = "Drie jaar in de keuken van een sociaal restaurant."
    skills = "Groenten snijden, afwassen, werken volgens HACCP."
    availability = "Vanaf volgende maand, vier dagen per week."
    support_needed = "Een vaste collega als aanspreekpunt."
    message = "Onze medewerker is klaar voor een volgende stap."


class OfferFactory(factory.django.DjangoModelFactory):
    """A new offer of a social enterprise on a published service request."""

    class Meta:
        model = "vacancies.Response"

    service_request = factory.SubFactory(ServiceRequestFactory, status="published")
    enterprise = factory.SubFactory(SocialEnterpriseFactory)
    message = "Wij onderhouden uw terrein met een ploeg van vier."
    availability = "Vanaf april, om de twee weken."
    price_indication = "EUR 1.800 per seizoen"


# --- Opportunity lists (vacancies): published and indexed as the lists find them -------------


def _listed(factory_class, *, code, days_ago, organisation, **fields):
    from datetime import timedelta

    from django.utils import timezone

    fields.setdefault("status", "published")
    fields.setdefault("published_at", timezone.now() - timedelta(days=days_ago))
    organisation = organisation or OrganisationFactory(postcode=postcode(code))
    return factory_class(organisation=organisation, postcode=postcode(code), **fields)


def listed_vacancy(*, code="3700", days_ago=0, supports=(), organisation=None, **fields):
    """A published vacancy as /vacancies/ finds it: posted `days_ago`, with its supports (slugs),
    open to doorstroom when it has any, indexed for search. Needs `reference_data`."""
    from vacancies import search
    from vacancies.models import Support, Vacancy

    if isinstance(fields.get("sector"), str):
        fields["sector"] = sector(fields["sector"])
    vacancy = _listed(
        VacancyFactory, code=code, days_ago=days_ago, organisation=organisation, **fields
    )
    if supports:
        vacancy.supports.set(Support.objects.filter(slug__in=supports))
        Vacancy.objects.filter(pk=vacancy.pk).update(open_to_doorstroom=True)
        vacancy.open_to_doorstroom = True
    search.index(vacancy)
    return vacancy


def listed_request(*, code="3700", days_ago=0, organisation=None, **fields):
    """A published service request as /requests/ finds it: posted `days_ago`, its `category`
    given by slug, indexed for search. Needs `reference_data`."""
    from portal.models import ServiceCategory
    from vacancies import search

    if isinstance(fields.get("category"), str):
        fields["category"] = ServiceCategory.objects.get(slug=fields["category"])
    service_request = _listed(
        ServiceRequestFactory, code=code, days_ago=days_ago, organisation=organisation, **fields
    )
    search.index(service_request)
    return service_request


# --- Vouchers: programmes and vouchers -----------------------------------------------------------


def region(slug="zuidoost-limburg"):
    from portal.models import Region

    return Region.objects.get(slug=slug)


def voucher_code(n):
    """A made-up voucher code in the format vouchers.lifecycle gives ("KC-" and ten characters
    of its unambiguous alphabet), different for every n."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    characters = []
    for _ in range(10):
        n, digit = divmod(n, len(alphabet))
        characters.append(alphabet[digit])
    return "KC-" + "".join(reversed(characters))


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """An open programme of Zuidoost-Limburg (Tongeren, 3700, is eligible; Leuven and Hasselt are
    not) for 30 vouchers of EUR 500; needs `reference_data`."""

    class Meta:
        model = "vouchers.Programme"

    region = factory.LazyFunction(region)
    name = factory.Sequence(lambda n: f"Kennismakingscheques {n}")
    slug = factory.Sequence(lambda n: f"kennismakingscheques-{n}")
    year = factory.LazyFunction(lambda: in_days(0).year)
    description = "Probeer de diensten van een sociale onderneming uit de regio."
    budget = 15000
    voucher_value = 500
    opens_on = factory.LazyFunction(lambda: in_days(-30))
    closes_on = factory.LazyFunction(lambda: in_days(60))
    terms = "De cheque dekt de factuur tot de waarde van de cheque."


class VoucherFactory(factory.django.DjangoModelFactory):
    """A submitted voucher: a verified regular firm in Tongeren applies for a verified social
    enterprise's service. Needs `reference_data`.

    The traits `approved`, `redeemed` and `paid` give a voucher in that state with the fields the
    lifecycle would have set (amount, code, dates), without events, notifications or a
    collaboration: tests of the steps themselves go through vouchers.lifecycle.
    """

    class Meta:
        model = "vouchers.Voucher"

    class Params:
        approved = factory.Trait(
            status="approved",
            amount=factory.SelfAttribute("programme.voucher_value"),
            code=factory.Sequence(voucher_code),
            decided_at=factory.LazyFunction(lambda: _now()),
            valid_until=factory.LazyAttribute(
                lambda voucher: in_days(voucher.programme.validity_days)
            ),
        )
        redeemed = factory.Trait(
            approved=True,
            status="redeemed",
            delivered_on=factory.LazyFunction(lambda: in_days(0)),
            invoice_number=factory.Sequence(lambda n: f"F2025-{n:04d}"),
            invoice_amount=factory.SelfAttribute("amount"),
            redeemed_at=factory.LazyFunction(lambda: _now()),
        )
        paid = factory.Trait(
            redeemed=True,
            status="paid",
            paid_on=factory.LazyFunction(lambda: in_days(0)),
            payment_reference=factory.Sequence(lambda n: f"BETALING-{n:04d}"),
        )

    programme = factory.SubFactory(ProgrammeFactory)
    applicant = factory.SubFactory(
        OrganisationFactory,
        postcode=factory.LazyFunction(lambda: postcode("3700")),
        verified_at=factory.LazyFunction(lambda: _now()),
    )
    provider = factory.SubFactory(
        SocialEnterpriseFactory,
        postcode=factory.LazyFunction(lambda: postcode("3700")),
        verified_at=factory.LazyFunction(lambda: _now()),
    )
    category = factory.LazyFunction(first_service_category)
    intended_use = "Een seizoen groenonderhoud rond ons bedrijfsgebouw uitproberen."
    expected_date = factory.LazyFunction(lambda: in_days(30))
    terms_accepted_at = factory.LazyFunction(lambda: _now())


def _now():
    from django.utils import timezone

    return timezone.now()


def reference_rows_in_memory():
    """Read the reference rows into this process's memory (portal.reference), as a running
    portal holds them after its first request: a query count then counts what a request does."""
    current = reference.GENERATION.current()
    for model in reference.MODELS:
        reference.rows(model, current)


# --- Events (issue 22) ---------------------------------------------------------------------------


def at(day, hour, minute=0):
    """An aware datetime in the portal's time zone: `day` (a date) at hour:minute."""
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _clock(hour, minute=0):
    from datetime import time

    return time(hour, minute)


def _hours(hours):
    from datetime import timedelta

    return timedelta(hours=hours)


class EventFactory(factory.django.DjangoModelFactory):
    """A published networking event of Zuidoost-Limburg in Tongeren (3700) in two weeks, from
    14:00 to 18:00, for 40 organisations, registration open until two days before, with 15-minute
    meetings from 14:30 to 17:00 at 10 tables. Needs `reference_data`."""

    class Meta:
        model = "events.Event"

    region = factory.LazyFunction(region)
    title = factory.Sequence(lambda n: f"Netwerkmoment sociale economie {n}")
    slug = factory.Sequence(lambda n: f"netwerkmoment-{n}")
    kind = "networking"
    description = "Ontmoet sociale ondernemingen en werkgevers uit de regio."
    starts_at = factory.LazyFunction(lambda: at(in_days(14), 14))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + _hours(4))
    address = "Grote Markt 1"
    postcode = factory.LazyFunction(lambda: postcode("3700"))
    capacity = 40
    registration_deadline = factory.LazyAttribute(lambda event: event.starts_at - _hours(48))
    meetings_from = factory.LazyFunction(lambda: _clock(14, 30))
    meetings_until = factory.LazyFunction(lambda: _clock(17))
    tables = 10


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registered organisation (a regular firm in Tongeren unless given), on the participant
    list, registered by one of its members (made here)."""

    class Meta:
        model = "events.Registration"

    event = factory.SubFactory(EventFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, postcode=factory.LazyFunction(lambda: postcode("3700"))
    )
    registered_by = factory.LazyAttribute(
        lambda registration: MembershipFactory(organisation=registration.organisation).user
    )
    status = "registered"
    listed = True
    offers = "Groenonderhoud en schoonmaak."
    seeks = "Een partner voor verpakking."
