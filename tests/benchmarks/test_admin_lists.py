"""The admin changelists' measurement of `python -m benchmarks` at a tiny size: it runs, reports
each list's figures for an administrator and a regisseur against the 20x target, and removes the
staff and the notifications it wrote. Speed is measured, never asserted."""

import pytest

from benchmarks import runner
from benchmarks.measure_admin import BULK_EMAIL, CHANGELISTS
from benchmarks.registry import Size
from portal.models import Notification, User

pytestmark = pytest.mark.django_db

TINY = Size("tiny", organisations=60, opportunities=40, collaborations=30, vouchers=20)


def test_the_admin_measurement_reports_each_list(reference_data, settings, tmp_path):
    settings.DEBUG = True

    result, _ = runner.run(
        sizes=[TINY], only=["admin"], requests=2, repeat=1, output=tmp_path, log=lambda m: None
    )

    assert result["errors"] == {}
    figures = {figure["name"]: figure for figure in result["figures"]}
    assert figures["tiny.admin.reference.median"]["value"] > 0
    for name, _url, users in CHANGELISTS:
        for who in users:
            key = f"tiny.admin.{who}.{name}"
            assert figures[f"{key}.median"]["unit"] == "ms"
            assert figures[f"{key}.queries"]["value"] > 3
            ratio = figures[f"{key}.over_reference"]
            assert (ratio["target"], ratio["comparison"]) == (20, "<=")
    assert not User.objects.filter(email__endswith=BULK_EMAIL).exists()
    assert not Notification.objects.filter(email__endswith=BULK_EMAIL).exists()
