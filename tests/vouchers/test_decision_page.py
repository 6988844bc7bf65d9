"""The voucher's page in the admin, where a regisseur decides (vouchers/decisions.py): the
applicant's earlier vouchers in every programme, and whether applicant and provider already
appear together in the collaboration register."""

from datetime import date

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from companies.models import Collaboration
from portal.templatetags.amounts import euros
from tests.factories import (
    ProgrammeFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    VoucherFactory,
    log_in_as,
    reference_rows_in_memory,
    region,
)

pytestmark = pytest.mark.django_db

VOUCHERS = "/en/admin/vouchers/voucher/"


def change_url(voucher):
    return f"{VOUCHERS}{voucher.pk}/change/"


def section(page, start, end="</table>"):
    """The part of the page from the element with id `start` up to `end`."""
    assert f'id="{start}"' in page, page
    return page.split(f'id="{start}"', 1)[1].split(end, 1)[0]


@pytest.fixture
def application(world):
    return VoucherFactory(
        programme=world.programme,
        applicant=world.firm,
        provider=world.provider,
        category=world.category,
    )


def earlier(world, count, **fields):
    return [
        VoucherFactory(programme=world.programme, applicant=world.firm, paid=True, **fields)
        for _ in range(count)
    ]


def collaboration(world, **fields):
    values = {
        "role": "client",
        "category": world.category,
        "started": date(2023, 4, 1),
        "channel": "directory",
        **fields,
    }
    return Collaboration.objects.create(regular=world.firm, social=world.provider, **values)


def test_a_first_application_says_so(client, world, application):
    log_in_as(client, world.regisseur)

    page = client.get(change_url(application)).content.decode()

    assert "Earlier vouchers of Drukkerij Peeters: 0" in page
    assert "This is the applicant's first voucher." in page
    assert 'id="pair-collaborations-none"' in page


def test_the_earlier_vouchers_of_every_programme_are_listed_with_their_facts(
    client, world, application
):
    same_provider = VoucherFactory(
        programme=world.programme,
        applicant=world.firm,
        provider=world.provider,
        paid=True,
        created_at=timezone.now(),
    )
    # Another region's programme: listed (the applicant's history), not linked (not theirs).
    elsewhere = VoucherFactory(
        programme=ProgrammeFactory(region=region("vlaams-brabant"), name="Cheques Leuven"),
        applicant=world.firm,
        status="rejected",
    )
    VoucherFactory(programme=world.programme)  # another applicant's: not listed
    log_in_as(client, world.regisseur)

    page = client.get(change_url(application)).content.decode()

    assert "Earlier vouchers of Drukkerij Peeters: 2" in page
    table = section(page, "earlier-vouchers")
    assert f'<a href="{change_url(same_provider)}">{same_provider.code}</a>' in table
    assert "(the same provider)" in table
    with translation.override("en"):
        assert euros(same_provider.amount) in table
        assert (
            date_format(timezone.localtime(same_provider.created_at), "SHORT_DATE_FORMAT") in table
        )
    assert "Paid" in table
    assert "Cheques Leuven" in table
    assert "Rejected" in table
    assert str(elsewhere) in table
    assert change_url(elsewhere) not in table
    assert str(application) not in table.replace(str(same_provider), "")


def test_the_register_says_whether_they_work_together_and_who_confirmed(client, world, application):
    now = timezone.now()
    collaboration(world, confirmed_by_regular_at=now, confirmed_by_social_at=now)
    collaboration(
        world,
        role="partner",
        started=date(2025, 2, 1),
        ended=date(2025, 6, 30),
        channel="voucher",
        confirmed_by_regular_at=now,
    )
    log_in_as(client, world.regisseur)

    page = client.get(change_url(application)).content.decode()

    table = section(page, "pair-collaborations")
    assert "Drukkerij Peeters and Groenwerk Tongeren in the collaboration register" in page
    rows = table.split("<tr>")[2:]
    assert len(rows) == 2
    assert "Partner" in rows[0] and "Confirmed by the regular organisation only" in rows[0]
    assert "Client" in rows[1] and "Confirmed by both sides" in rows[1]
    assert "still running" in rows[1]
    assert world.category.name in rows[1]


def test_another_pair_in_the_register_is_not_this_pair(client, world, application):
    other = SocialEnterpriseFactory(name="Kringwinkel Elders")
    Collaboration.objects.create(
        regular=world.firm, social=other, role="client", started=date(2024, 1, 1), channel="other"
    )
    log_in_as(client, world.regisseur)

    page = client.get(change_url(application)).content.decode()

    assert 'id="pair-collaborations-none"' in page


def test_the_approve_page_shows_the_same_facts_in_dutch(client, world, application):
    earlier(world, 1)
    collaboration(world, confirmed_by_social_at=timezone.now())
    log_in_as(client, world.regisseur)

    page = client.get(f"/admin/vouchers/voucher/{application.pk}/approve/").content.decode()

    assert "Eerdere cheques van Drukkerij Peeters: 1" in page
    assert "Alleen bevestigd door de sociale onderneming" in page


def test_the_administrator_sees_the_facts(client, world, application):
    earlier(world, 2)
    log_in_as(client, world.administrator)

    page = client.get(change_url(application)).content.decode()

    assert "Earlier vouchers of Drukkerij Peeters: 2" in page


def test_a_regisseur_of_another_region_does_not_get_the_page(client, world, application):
    earlier(world, 2)
    log_in_as(client, world.other_regisseur)

    change = client.get(change_url(application))
    approve = client.get(f"{VOUCHERS}{application.pk}/approve/")

    assert change.status_code == 302  # the admin's "doesn't exist" redirect
    assert "Drukkerij Peeters" not in client.get(change["Location"]).content.decode()
    assert approve.status_code == 404


def test_staff_without_a_region_do_not_get_the_page(client, world, application):
    earlier(world, 2)
    log_in_as(client, StaffFactory())

    change = client.get(change_url(application))
    approve = client.get(f"{VOUCHERS}{application.pk}/approve/")

    assert change.status_code == 403
    assert "Drukkerij Peeters" not in change.content.decode()
    assert approve.status_code == 404


# The page's queries, measured (change page 16, approve page 12): the session and the user, the
# voucher (the steps' check and the admin's own), permissions, the programme and whether the user
# manages it, the regions, the history (events), applicant, provider and service; and this
# page's two: the applicant's other vouchers with programme and provider (whether the user runs
# each programme is a subquery) and the pair's collaborations with their service.
@pytest.mark.parametrize("page", ["change", "approve"])
def test_the_page_runs_a_fixed_number_of_queries_whatever_the_history(
    client, world, application, django_assert_num_queries, page
):
    url = change_url(application) if page == "change" else f"{VOUCHERS}{application.pk}/approve/"
    log_in_as(client, world.regisseur)
    earlier(world, 1)
    collaboration(world, confirmed_by_regular_at=timezone.now())
    reference_rows_in_memory()
    client.get(url)
    with django_assert_num_queries(QUERIES[page]):
        few = client.get(url)

    earlier(world, 9, provider=world.provider)
    VoucherFactory(
        programme=ProgrammeFactory(region=region("vlaams-brabant")), applicant=world.firm
    )
    collaboration(world, started=date(2019, 1, 1), channel="other")
    with django_assert_num_queries(QUERIES[page]):
        many = client.get(url)

    assert "Drukkerij Peeters: 1<" in few.content.decode()
    assert "Drukkerij Peeters: 11<" in many.content.decode()


QUERIES = {"change": 16, "approve": 12}
