"""Reference rows from each process's memory (portal/reference.py) rather than by a join."""

import pytest
from django.core.management import call_command

from companies.models import Organisation
from portal import reference
from portal.models import Municipality, Region, Sector
from tests.factories import listed_organisation, reference_rows_in_memory

pytestmark = pytest.mark.django_db


def directory_rows():
    return list(reference.with_reference(Organisation.objects.all(), "municipality", "province"))


def test_rows_get_their_place_without_a_query(reference_data, django_assert_num_queries):
    listed_organisation(name="Werkhuis", code="3700")
    reference_rows_in_memory()

    with django_assert_num_queries(1):
        [werkhuis] = directory_rows()
        place = f"{werkhuis.municipality.name}, {werkhuis.province.name}"

    assert place == "Tongeren-Borgloon, Limburg"


def test_a_row_saved_in_the_admin_is_read_again(reference_data):
    listed_organisation(name="Werkhuis", code="3700")
    [werkhuis] = directory_rows()
    municipality = Municipality.objects.get(pk=werkhuis.municipality_id)
    municipality.name_nl = "Tongeren (nieuw)"

    municipality.save()  # as the admin does

    [werkhuis] = directory_rows()
    assert werkhuis.municipality.name == "Tongeren (nieuw)"


def test_the_reference_command_moves_the_generation(reference_data):
    before = reference.GENERATION.current()

    call_command("load_reference_data", verbosity=0)

    assert reference.GENERATION.current() != before


def test_rows_kept_before_a_commit_are_read_again_after_it(
    reference_data, django_capture_on_commit_callbacks
):
    sector = Sector.objects.get(code="A")
    with django_capture_on_commit_callbacks() as callbacks:
        sector.name_nl = "Landbouw en visserij"
        sector.save()
    # Another process, which could not see the change yet, read the rows in between.
    current = reference.GENERATION.current()
    reference.rows(Sector, current)
    stale = reference._held["rows"][Sector][1][sector.pk]
    reference._held["rows"][Sector][1][sector.pk] = (*stale[:1], "Oud", *stale[2:])
    for callback in callbacks:  # the commit
        callback()

    attnames, known = reference.rows(Sector, reference.GENERATION.current())
    assert known[sector.pk][attnames.index("name_nl")] == "Landbouw en visserij"


def test_each_reading_builds_its_own_instances(reference_data):
    listed_organisation(name="Werkhuis", code="3700")
    listed_organisation(name="Ander Werkhuis", code="3700")

    first, second = directory_rows()
    [again, _other] = directory_rows()

    # One reading shares a place, as a prefetch would; a prefetch on it (the profile reads the
    # municipality's regions) stays with that reading.
    assert first.municipality is second.municipality
    assert again.municipality is not first.municipality
    first.municipality._prefetched_objects_cache = {"regions": Region.objects.none()}
    assert not hasattr(again.municipality, "_prefetched_objects_cache")


def test_a_row_added_since_is_read_as_any_relation(reference_data, django_assert_num_queries):
    listed_organisation(name="Werkhuis", code="3700")
    reference_rows_in_memory()
    # Left out of this process's copy (as if added by another process, signals unseen).
    del reference._held["rows"][Municipality][1][Organisation.objects.get().municipality_id]

    with django_assert_num_queries(2):
        [werkhuis] = directory_rows()
        assert werkhuis.municipality.name == "Tongeren-Borgloon"


def test_only_reference_rows_come_from_memory():
    with pytest.raises(ValueError, match="not a reference row"):
        reference.with_reference(Organisation.objects.all(), "verified_by")
