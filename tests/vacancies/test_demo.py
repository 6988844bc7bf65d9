"""The opportunities' demo data (vacancies/demo.py, through seed_demo)."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.models import Region
from vacancies.models import ServiceRequest, Status, Vacancy

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data, settings):
    settings.DEBUG = True


@pytest.mark.parametrize(("model", "at_least"), [(Vacancy, 60), (ServiceRequest, 30)])
def test_enough_opportunities_across_the_regions_and_the_rest_of_flanders(seeded, model, at_least):
    assert model.objects.count() >= at_least
    for region in Region.objects.all():
        assert model.objects.filter(municipality__regions=region).count() >= 5, region
    outside = model.objects.filter(municipality__regions__isnull=True)
    assert outside.count() >= 5
    assert outside.values("province").distinct().count() >= 3


@pytest.mark.parametrize("model", [Vacancy, ServiceRequest])
def test_mostly_published_and_closing_in_the_coming_weeks_some_drafts_expired_closed(seeded, model):
    today = timezone.localdate()
    published = model.objects.filter(status=Status.PUBLISHED)
    assert published.count() >= 0.7 * model.objects.count()
    assert not published.filter(closing_date__lt=today).exists()
    assert not published.filter(published_at__isnull=True).exists()
    for status in [Status.DRAFT, Status.EXPIRED, Status.CLOSED]:
        assert model.objects.filter(status=status).count() >= 2, status
    assert not model.objects.filter(status=Status.EXPIRED, closing_date__gte=today).exists()
    # Posted by firms, public bodies, schools and non-profits, not by social enterprises.
    assert not model.objects.filter(organisation__kind="social").exists()
    assert model.objects.values("organisation").distinct().count() >= 15


def test_vacancies_say_what_makes_them_open_to_doorstroom_and_are_searchable(seeded):
    assert not Vacancy.objects.filter(open_to_doorstroom=True, supports__isnull=True).exists()
    assert Vacancy.objects.filter(open_to_doorstroom=True).count() >= 50
    assert Vacancy.objects.filter(
        title="Keukenhulp (m/v/x)", search_text__contains="Opleiding op de werkvloer"
    ).exists()
    assert not Vacancy.objects.filter(search_text="").exists()
    assert not ServiceRequest.objects.filter(search_text="").exists()


def test_seeding_twice_updates_the_same_rows(seeded):
    codes = (
        set(Vacancy.objects.values_list("code", flat=True)),
        set(ServiceRequest.objects.values_list("code", flat=True)),
    )

    call_command("seed_demo", verbosity=0)

    assert codes == (
        set(Vacancy.objects.values_list("code", flat=True)),
        set(ServiceRequest.objects.values_list("code", flat=True)),
    )


def test_the_demo_regisseur_finds_a_new_firms_vacancy_waiting_for_a_check(seeded):
    from portal import workqueue
    from portal.models import User

    waiting = Vacancy.objects.get(status=Status.AWAITING)
    assert waiting.organisation.verified_at is None
    regisseur = User.objects.get(email="regisseur@brugwerk.test")
    queue = workqueue.queue_for(regisseur)
    mine = next(r for r in queue.regions if r.slug == "zuidoost-limburg")
    items = {item.section.slug: item.count for item in mine.items}
    assert items["vacancies-to-check"] == 1

    call_command("seed_demo", verbosity=0)

    assert list(Vacancy.objects.filter(status=Status.AWAITING)) == [waiting]
