"""Every write to the tables of companies that the reports read moves the data version
(portal/datachanges.py): collaborations, organisations (kind, place, verification) and their
offered services (category, radius)."""

from django.db import migrations

from portal import datachanges


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0005_bounding_box_indexes"),
        ("portal", "0004_data_changes"),
    ]

    operations = datachanges.track(
        [
            "companies_collaboration",
            "companies_organisation",
            "companies_offeredservice",
        ]
    )
