# The work queue's "stopped according to the KBO" (portal/workqueue.py, issue 19).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0015_organisation_source"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                condition=models.Q(("kbo_stopped_on__isnull", False)),
                fields=["kbo_stopped_on"],
                name="organisation_kbo_stopped",
            ),
        ),
    ]
