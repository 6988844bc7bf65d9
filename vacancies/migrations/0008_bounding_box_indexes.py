"""The lists' distance search on an index of published opportunities led by longitude (issue 9).

The old index led by latitude went unused: Flanders is about four times wider than it is high,
so a band of latitude as tall as a 30 km search holds most rows. Status in front, as every list
filters on it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0007_saved_searches")]

    operations = [
        migrations.RemoveIndex(model_name="servicerequest", name="request_location"),
        migrations.RemoveIndex(model_name="vacancy", name="vacancy_location"),
        migrations.AddIndex(
            model_name="servicerequest",
            index=models.Index(fields=["status", "longitude", "latitude"], name="request_box"),
        ),
        migrations.AddIndex(
            model_name="vacancy",
            index=models.Index(fields=["status", "longitude", "latitude"], name="vacancy_box"),
        ),
    ]
