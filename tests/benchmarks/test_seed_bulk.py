"""`manage.py seed_bulk`: generated volume data are valid rows, as the portal's own code makes them.

The tiny size of tests/benchmarks/conftest.py; the same checks hold at any size.
"""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Q
from django.utils import timezone

from benchmarks import generator
from companies import enterprise_number, ratings
from companies import search as company_search
from companies.models import (
    RESERVED_SLUGS,
    Collaboration,
    CollaborationChannel,
    CollaborationRating,
    CollaborationSource,
    Membership,
    OfferedService,
    Organisation,
)
from portal import textsearch
from portal.models import Postcode, SearchWord
from tests.factories import OrganisationFactory
from vacancies import search as opportunity_search
from vacancies.models import ServiceRequest, Status, Vacancy
from vouchers.models import COUNTING, HOLDING, Programme, Voucher, VoucherStatus

from .conftest import TINY

pytestmark = pytest.mark.django_db


def generated():
    return generator.generated_organisations()


def test_counts_match_the_options(seeded):
    counts = generator.existing()
    assert counts.organisations == TINY["organisations"] == Organisation.objects.count()
    assert counts.vacancies == Vacancy.objects.count() == 60
    assert counts.service_requests == ServiceRequest.objects.count() == 60
    assert counts.collaborations == TINY["collaborations"] == Collaboration.objects.count()
    assert counts.vouchers == TINY["vouchers"] == Voucher.objects.count()
    # Every organisation has its owner.
    assert Membership.objects.filter(role="owner").count() == TINY["organisations"]


def test_every_kind_of_organisation_and_a_fifth_social(seeded):
    kinds = Counter(generated().values_list("kind", flat=True))
    assert set(kinds) == {"regular", "social", "public", "school", "nonprofit"}
    assert 0.1 < kinds["social"] / TINY["organisations"] < 0.35
    social = generated().filter(kind="social")
    # Social enterprises offer services (some across all of Flanders) and carry recognitions.
    assert not social.filter(services=None).exists()
    assert not social.filter(recognitions=None).exists()
    assert OfferedService.objects.filter(radius_km__isnull=False).exists()
    assert not generated().exclude(kind="social").filter(services__isnull=False).exists()
    assert generated().filter(verified_at__isnull=False).exists()
    assert generated().filter(verified_at__isnull=True).exists()


def test_rows_pass_the_models_validation(seeded):
    """full_clean: enterprise numbers, slugs, addresses, choices, lengths, unique constraints."""
    for model in (
        Organisation,
        OfferedService,
        Vacancy,
        ServiceRequest,
        Collaboration,
        CollaborationRating,
    ):
        for row in model.objects.all():
            row.full_clean()
    for row in Programme.objects.all():
        row.full_clean()
    for row in Voucher.objects.all():
        row.full_clean()


def test_enterprise_numbers_are_valid_unique_and_in_the_generated_range(seeded):
    numbers = list(generated().values_list("enterprise_number", flat=True))
    assert len(set(numbers)) == len(numbers) == TINY["organisations"]
    for number in numbers:
        assert enterprise_number.normalise(number) == number
        assert "1800000000" <= number <= "1999999999"


def test_slugs_are_unique_and_made_as_save_makes_them(seeded):
    slugs = list(Organisation.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == len(slugs)
    assert not RESERVED_SLUGS & set(slugs)
    organisation = generated().order_by("pk").first()
    copy = Organisation(name=organisation.name)
    # A fresh organisation of the same name gets the next free slug, never this one's.
    assert copy._unique_slug() != organisation.slug


def test_places_follow_from_the_postcode(seeded):
    for model in (Organisation, Vacancy, ServiceRequest):
        rows = model.objects.all()
        assert not rows.exclude(municipality=F("postcode__municipality")).exists()
        assert not rows.exclude(province=F("postcode__municipality__province")).exists()
        assert not rows.exclude(
            latitude=F("postcode__latitude"), longitude=F("postcode__longitude")
        ).exists()
        assert set(rows.values_list("municipality__region", flat=True)) == {"flanders"}


def test_search_text_is_what_the_index_functions_compute(seeded):
    for organisation in Organisation.objects.all():
        assert organisation.search_text == company_search.indexed_text(organisation)
    for model in (Vacancy, ServiceRequest):
        for opportunity in model.objects.select_related("municipality"):
            assert opportunity.search_text == opportunity_search.indexed_text(opportunity)


def test_the_words_of_names_and_titles_are_known_words_as_indexing_makes_them(seeded):
    """A near spelling finds generated rows as it finds saved ones (portal.SearchWord)."""
    known = set(SearchWord.objects.values_list("word", flat=True))
    names = [*Organisation.objects.values_list("name", flat=True)]
    for model in (Vacancy, ServiceRequest):
        names += model.objects.values_list("title", flat=True)
    for name in names:
        assert textsearch.words_of(name) <= known, name


@pytest.mark.postgres
def test_search_vectors_are_what_reindexing_stores(seeded):
    """The vector the database computed on insert equals the one portal.textsearch.index stores."""
    samples = [
        (company_search, list(Organisation.objects.all())),
        (opportunity_search, list(Vacancy.objects.all()[:30])),
        (opportunity_search, list(ServiceRequest.objects.all()[:30])),
    ]
    for module, rows in samples:
        for row in rows:
            stored = row.search_vector
            assert stored
            module.index(row)
            row.refresh_from_db(fields=["search_vector"])
            assert row.search_vector == stored


def test_directory_finds_a_generated_organisation_by_name_near_its_postcode(seeded, client):
    organisation = generated().filter(kind="social").order_by("pk").first()
    found = company_search.search(Organisation.objects.all(), organisation.name)
    assert organisation in found

    response = client.get(
        "/organisations/",
        {"q": organisation.name, "postcode": organisation.postcode.code, "km": "10"},
    )

    assert response.status_code == 200
    assert organisation.slug in response.content.decode()


def test_vacancies_are_open_to_doorstroom_exactly_when_they_have_supports(seeded):
    vacancies = Vacancy.objects.all()
    assert not vacancies.filter(open_to_doorstroom=True, supports=None).exists()
    assert not vacancies.filter(open_to_doorstroom=False, supports__isnull=False).exists()
    assert vacancies.filter(open_to_doorstroom=True).exists()
    assert len(set(vacancies.values_list("hours_band", flat=True))) > 1


def test_opportunity_statuses_and_dates_agree(seeded):
    today = timezone.localdate()
    for model in (Vacancy, ServiceRequest):
        rows = model.objects.all()
        statuses = set(rows.values_list("status", flat=True))
        assert {Status.PUBLISHED, Status.CLOSED, Status.EXPIRED} <= statuses
        assert not rows.filter(status=Status.PUBLISHED, closing_date__lt=today).exists()
        assert not rows.filter(status=Status.EXPIRED, closing_date__gte=today).exists()
        assert not rows.filter(status=Status.EXPIRED, expired_at=None).exists()
        assert (
            not rows.filter(status=Status.CLOSED)
            .filter(Q(closed_at=None) | Q(closed_reason=""))
            .exists()
        )
        assert not rows.filter(status=Status.DRAFT, published_at__isnull=False).exists()
        # Everything published was matched, so the matching sweep has nothing to catch up on.
        assert not rows.exclude(status=Status.DRAFT).filter(matched_at=None).exists()
        assert (
            not rows.exclude(status=Status.DRAFT)
            .filter(published_at__date__lt=date(2012, 1, 1))
            .exists()
        )
        assert len(set(rows.values_list("code", flat=True))) == rows.count()
    assert not ServiceRequest.objects.filter(period_end__lt=F("period_start")).exists()


def test_collaborations_join_a_regular_organisation_and_a_social_enterprise(seeded):
    collaborations = Collaboration.objects.all()
    assert not collaborations.exclude(social__kind="social").exists()
    assert not collaborations.filter(regular__kind="social").exists()
    assert not collaborations.filter(started__lt=date(2012, 1, 1)).exists()
    assert not collaborations.filter(ended__lt=F("started")).exists()
    assert collaborations.filter(ended__isnull=False).exists()
    assert collaborations.confirmed().count() == collaborations.count()
    assert set(collaborations.values_list("channel", flat=True)) >= {
        CollaborationChannel.VOUCHER,
        CollaborationChannel.DIRECTORY,
    }
    # The category is one the social enterprise offers.
    for collaboration in collaborations.exclude(category=None):
        assert collaboration.social.services.filter(category=collaboration.category).exists()


def test_ratings_are_given_by_the_sides_of_confirmed_collaborations_when_asked(seeded):
    given = list(CollaborationRating.objects.select_related("collaboration"))
    assert given
    # One rating per side and period, as the model demands.
    keys = Counter((r.collaboration_id, r.side, r.period) for r in given)
    assert max(keys.values()) == 1
    confirmed = set(Collaboration.objects.confirmed().values_list("pk", flat=True))
    assert {r.collaboration_id for r in given} <= confirmed
    rated = {r.collaboration_id for r in given}
    assert 0.2 < len(rated) / TINY["collaborations"] < 0.6
    assert {r.side for r in given} == {"regular", "social"}
    assert ratings.ON_CONFIRMATION in {r.period for r in given}
    # Mostly content, and then mostly willing to work together again.
    assert sum(r.score for r in given) / len(given) > 3.5
    assert sum(r.would_work_again for r in given) > len(given) / 2
    now = timezone.now()
    link = timedelta(days=ratings.LINK_DAYS)
    for rating in given:
        collaboration = rating.collaboration
        given_on = timezone.localdate(rating.created_at)
        confirmed_at = max(
            collaboration.confirmed_by_regular_at, collaboration.confirmed_by_social_at
        )
        assert collaboration.started <= given_on
        assert confirmed_at <= rating.created_at <= now
        # Given through the link of the ask, which lasts LINK_DAYS.
        if rating.period == ratings.ON_CONFIRMATION:
            assert collaboration.source != CollaborationSource.IMPORT
            assert rating.created_at <= confirmed_at + link
        elif rating.period == ratings.AT_END:
            assert collaboration.ended <= given_on <= collaboration.ended + link
        else:
            years = ratings.years_of(rating.period)
            assert years >= 1
            anniversary = ratings.anniversary(collaboration.started, years)
            assert anniversary <= given_on <= anniversary + link
            # Asked while it ran.
            assert collaboration.ended is None or anniversary < collaboration.ended


def test_vouchers_agree_with_their_status(seeded):
    vouchers = Voucher.objects.select_related("programme", "collaboration")
    assert len({voucher.status for voucher in vouchers}) >= 5
    for voucher in vouchers:
        value = voucher.programme.voucher_value
        events = list(voucher.events.order_by("at", "pk"))
        assert events[0].to_status == VoucherStatus.SUBMITTED
        assert events[-1].to_status == voucher.status
        assert all(a.to_status == b.from_status for a, b in zip(events, events[1:], strict=False))
        if voucher.status in HOLDING:
            assert 0 < voucher.amount <= value
            assert voucher.code and voucher.decided_at and voucher.valid_until
        else:
            assert voucher.amount == 0
        if voucher.status in (VoucherStatus.SUBMITTED, VoucherStatus.REJECTED):
            assert voucher.code is None
        if voucher.status == VoucherStatus.REJECTED:
            assert voucher.rejection_reason
        if voucher.status in (VoucherStatus.REDEEMED, VoucherStatus.PAID):
            assert voucher.amount == min(voucher.invoice_amount, value)
            collaboration = voucher.collaboration
            assert (collaboration.regular_id, collaboration.social_id) == (
                voucher.applicant_id,
                voucher.provider_id,
            )
            assert collaboration.channel == CollaborationChannel.VOUCHER
            assert collaboration.source == CollaborationSource.VOUCHER
            assert collaboration.started == voucher.delivered_on
        else:
            assert voucher.collaboration is None
        if voucher.status == VoucherStatus.PAID:
            assert voucher.paid_on and voucher.payment_reference
        if voucher.status == VoucherStatus.EXPIRED:
            assert voucher.code and voucher.valid_until < voucher.updated_at.date()


def test_vouchers_follow_the_programmes_rules(seeded):
    for voucher in Voucher.objects.select_related("programme__region", "applicant", "provider"):
        programme, applicant, provider = voucher.programme, voucher.applicant, voucher.provider
        assert applicant.kind == "regular" and applicant.verified_at
        assert programme.region.municipalities.filter(pk=applicant.municipality_id).exists()
        assert provider.kind == "social" and provider.verified_at
        assert provider.services.filter(category=voucher.category).exists()
        applied_on = timezone.localtime(voucher.terms_accepted_at).date()
        assert programme.opens_on <= applied_on <= programme.closes_on
    counting = Counter(
        Voucher.objects.filter(status__in=COUNTING).values_list("applicant", "programme")
    )
    per_firm = dict(Programme.objects.values_list("pk", "vouchers_per_firm"))
    assert all(count <= per_firm[programme] for (_, programme), count in counting.items())
    for programme in Programme.objects.with_budget():
        assert programme.left >= 0


def test_refuses_to_run_twice_without_append_or_flush(seeded, seed_bulk):
    with pytest.raises(CommandError, match="--append"):
        seed_bulk()
    assert generator.existing().organisations == TINY["organisations"]


def test_append_adds_new_organisations_after_the_existing_ones(seeded, seed_bulk):
    before = set(generated().values_list("enterprise_number", flat=True))

    seed_bulk(organisations=10, opportunities=4, collaborations=2, vouchers=0, append=True)

    counts = generator.existing()
    assert counts.organisations == TINY["organisations"] + 10
    assert counts.opportunities == TINY["opportunities"] + 4
    assert counts.collaborations == TINY["collaborations"] + 2
    assert before < set(generated().values_list("enterprise_number", flat=True))


def test_flush_replaces_generated_data_and_leaves_the_rest(seeded, seed_bulk):
    own = OrganisationFactory(name="Eigen Organisatie")

    seed_bulk(organisations=20, opportunities=10, collaborations=5, vouchers=5, flush=True)

    assert generator.existing() == generator.Counts(
        organisations=20, vacancies=5, service_requests=5, collaborations=5, vouchers=5
    )
    assert Organisation.objects.filter(pk=own.pk).exists()


def test_the_same_seed_gives_the_same_data(seed_bulk):
    def snapshot():
        return (
            list(
                generated()
                .order_by("enterprise_number")
                .values_list("enterprise_number", "name", "slug", "kind", "postcode__code")
            ),
            list(Vacancy.objects.order_by("pk").values_list("code", "title", "status")),
            list(ServiceRequest.objects.order_by("pk").values_list("code", "title", "status")),
            list(Voucher.objects.order_by("pk").values_list("status", "amount", "code")),
            list(
                CollaborationRating.objects.order_by("pk").values_list(
                    "side", "period", "score", "would_work_again"
                )
            ),
        )

    seed_bulk(seed=7)
    first = snapshot()
    seed_bulk(seed=7, flush=True)
    assert snapshot() == first
    seed_bulk(seed=8, flush=True)
    assert snapshot() != first


def test_refuses_without_the_reference_data(seed_bulk):
    Postcode.objects.all().delete()

    with pytest.raises(CommandError, match="load_reference_data"):
        seed_bulk()

    assert not generator.existing()


def test_refuses_fewer_collaborations_than_vouchers(seed_bulk):
    with pytest.raises(CommandError, match="--collaborations"):
        seed_bulk(collaborations=3, vouchers=10)


def test_refuses_when_debug_is_off(seed_bulk, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        seed_bulk()


def test_negative_counts_are_refused(reference_data):
    with pytest.raises(CommandError):
        call_command("seed_bulk", "--organisations", "-5")


def test_the_portal_inserts_after_the_generated_rows(seeded):
    """COPY (PostgreSQL) draws the ids from the table's sequence, as bulk_create does."""
    own = OrganisationFactory()
    assert own.pk > generated().order_by("-pk").first().pk
