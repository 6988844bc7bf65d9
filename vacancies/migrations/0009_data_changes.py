"""Every write to the tables of vacancies that the reports read moves the data version
(portal/datachanges.py): vacancies, placements, service requests and responses."""

from django.db import migrations

from portal import datachanges


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0008_bounding_box_indexes"),
        ("portal", "0004_data_changes"),
    ]

    operations = datachanges.track(
        [
            "vacancies_vacancy",
            "vacancies_placement",
            "vacancies_servicerequest",
            "vacancies_response",
        ]
    )
