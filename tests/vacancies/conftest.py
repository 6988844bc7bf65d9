"""People and opportunities around one employer, for the tests of posting and managing.

The employer lies in Tongeren (3700), in the region Zuidoost-Limburg, and is verified, so that it
publishes at once (unverified posters wait for the regie's check: test_moderation.py); `regisseur`
looks after that region, `other_regisseur` after Vlaams-Brabant. Neither is a member.
`enterprise_member` belongs to a social enterprise, `stranger` to nothing.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from portal.models import Region
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    VacancyFactory,
    postcode,
)


def published(factory, **fields):
    fields.setdefault("published_at", timezone.now())
    return factory(status="published", **fields)


@pytest.fixture
def world(reference_data, db):
    employer = OrganisationFactory(
        name="Bakkerij Mergelland", postcode=postcode("3700"), verified_at=timezone.now()
    )
    owner = OwnerFactory(organisation=employer, user__name="Olga Owner").user
    editor = MembershipFactory(organisation=employer, user__name="Eddy Editor").user
    enterprise = SocialEnterpriseFactory(name="Groenwerk Tongeren", postcode=postcode("3700"))
    enterprise_member = OwnerFactory(organisation=enterprise, user__name="Sara Sociaal").user
    regisseur = StaffFactory(name="Rita Regisseur")
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(regisseur)
    other_regisseur = StaffFactory(name="Vera Vlaams-Brabant")
    Region.objects.get(slug="vlaams-brabant").regisseurs.add(other_regisseur)
    return SimpleNamespace(
        employer=employer,
        owner=owner,
        editor=editor,
        enterprise=enterprise,
        enterprise_member=enterprise_member,
        stranger=UserFactory(name="Stan Stranger"),
        regisseur=regisseur,
        other_regisseur=other_regisseur,
        administrator=StaffFactory(name="Ada Admin", is_superuser=True),
        vacancy=published(VacancyFactory, organisation=employer, title="Keukenhulp"),
        draft_vacancy=VacancyFactory(organisation=employer, title="Magazijnmedewerker"),
        service_request=published(
            ServiceRequestFactory, organisation=employer, title="Catering personeelsfeest"
        ),
        draft_request=ServiceRequestFactory(organisation=employer, title="Verpakken geschenkdozen"),
    )


@pytest.fixture
def other_world(world):
    """A second employer with its own owner, vacancy and service request."""
    employer = OrganisationFactory(name="Logistiek Vilvoorde", postcode=postcode("1800"))
    return SimpleNamespace(
        employer=employer,
        owner=OwnerFactory(organisation=employer).user,
        vacancy=published(VacancyFactory, organisation=employer, title="Heftruckchauffeur"),
        draft_vacancy=VacancyFactory(organisation=employer, title="Chauffeur C"),
        service_request=published(ServiceRequestFactory, organisation=employer),
        draft_request=ServiceRequestFactory(organisation=employer),
    )


def vacancy_data(**changes):
    """The vacancy form's fields, valid, with some changed (None leaves a field out)."""
    from portal.models import Sector
    from vacancies.models import Support

    data = {
        "title": "Magazijnmedewerker (m/v/x)",
        "description": "Je verzamelt bestellingen en laadt vrachtwagens.",
        "postcode": "3700",
        "contract_type": "permanent",
        "hours_per_week": "38",
        "sector": str(Sector.objects.get(code="H").pk),
        "start_date": "",
        "closing_date": str(timezone.localdate() + timedelta(days=30)),
        "supports": [str(pk) for pk in Support.objects.values_list("pk", flat=True)[:2]],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def request_data(**changes):
    """The service request form's fields, valid, with some changed."""
    from portal.models import ServiceCategory

    today = timezone.localdate()
    data = {
        "title": "Groenonderhoud van ons bedrijfsterrein",
        "description": "Maaien en snoeien rond de loodsen, van april tot oktober.",
        "category": str(ServiceCategory.objects.get(slug="groenonderhoud").pk),
        "postcode": "3700",
        "period_start": str(today + timedelta(days=40)),
        "period_end": str(today + timedelta(days=200)),
        "volume": "2.000 m² gazon, om de twee weken",
        "budget_band": "1k-5k",
        "closing_date": str(today + timedelta(days=30)),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a function as if its transaction committed: the emails it enqueues on commit go out
    (to mail.outbox, tasks running inline)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def slots(settings, tmp_path):
    """Stand-ins for the includes that the responses part of the app fills on an opportunity's
    page, so that these tests see (and count the queries of) this part alone."""

    def fill(responses="", respond=""):
        folder = tmp_path / "slots" / "vacancies"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "_responses.html").write_text(responses)
        (folder / "_respond.html").write_text(respond)
        first = settings.TEMPLATES[0]
        settings.TEMPLATES = [{**first, "DIRS": [folder.parent, *first["DIRS"]]}]

    return fill
