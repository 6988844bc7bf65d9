"""The directory's cached facet counts and order (portal/facets.py, "Browsing") are keyed by the
data version: an organisation's recognitions and sectors (its facets), and the recognitions'
names, move it too."""

from django.db import migrations

from portal import datachanges


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0022_description_weight_d_and_service_words"),
        ("portal", "0010_list_data_changes"),
    ]

    operations = datachanges.track(
        [
            "companies_recognition",
            "companies_organisation_recognitions",
            "companies_organisation_sectors",
        ]
    )
