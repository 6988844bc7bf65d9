"""Generated volume data at a tiny size, for the tests of the generator and the benchmarks."""

import pytest
from django.core.management import call_command

TINY = {"organisations": 80, "opportunities": 120, "collaborations": 60, "vouchers": 40}


@pytest.fixture
def seed_bulk(reference_data, db, settings):
    """Run `manage.py seed_bulk` with the tiny counts, or the options given."""
    settings.DEBUG = True

    def seed(**options):
        call_command("seed_bulk", verbosity=0, **{**TINY, **options})

    return seed


@pytest.fixture
def seeded(seed_bulk):
    seed_bulk()
