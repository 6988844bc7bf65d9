"""The work queue's measurement of `python -m benchmarks` at a tiny size: it runs, reports its
figures (the queue and the admin home, for a regisseur and an administrator) and removes the
staff it made. Speed is measured, never asserted."""

import pytest

from benchmarks import runner
from benchmarks.registry import Size
from portal.models import User

pytestmark = pytest.mark.django_db

TINY = Size("tiny", organisations=60, opportunities=40, collaborations=30, vouchers=20)


def test_the_workqueue_measurement_reports_its_figures(reference_data, settings, tmp_path):
    settings.DEBUG = True

    result, _ = runner.run(
        sizes=[TINY], only=["workqueue"], requests=2, repeat=1, output=tmp_path, log=lambda m: None
    )

    assert result["errors"] == {}
    figures = {figure["name"]: figure for figure in result["figures"]}
    for who in ("regisseur", "administrator"):
        for what in ("queue", "admin_home"):
            assert figures[f"tiny.workqueue.{who}.{what}.median"]["unit"] == "ms"
            assert figures[f"tiny.workqueue.{who}.{what}.p95"]["value"] > 0
        # The regions, then one statement per section (the failed emails: administrators only).
        assert figures[f"tiny.workqueue.{who}.queue.queries"]["value"] == (
            10 if who == "regisseur" else 11
        )
        # The admin home: the queue's and the page's own (session, user, second factor, ...).
        assert figures[f"tiny.workqueue.{who}.admin_home.queries"]["value"] > 8
    assert not User.objects.filter(email__endswith=".workqueue@bulk.brugwerk.test").exists()
