"""The bounding box of a distance search on an index led by longitude (issue 9).

Flanders is about four times wider than it is high: a band of latitude as tall as a 30 km search
holds most organisations, so the old index led by latitude was not worth scanning and every
distance search and every vacancy's matching read the whole table. A band of longitude narrows
well; with the kind in front, matching finds the social enterprises in the box from the index
alone.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("companies", "0004_collaboration_register")]

    operations = [
        migrations.RemoveIndex(model_name="organisation", name="organisation_location"),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["longitude", "latitude"], name="organisation_box"),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                fields=["kind", "longitude", "latitude"], name="organisation_kind_box"
            ),
        ),
    ]
