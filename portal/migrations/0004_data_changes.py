"""The change log behind the data version, and its triggers on portal's tables the reports read
(portal/datachanges.py): places (provinces, municipalities, postcodes), the regions'
municipalities and the service categories."""

import django.db.models.functions.datetime
from django.db import migrations, models

from portal import datachanges


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0003_audit_log'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataChange',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('changes', models.BigIntegerField(db_default=1, help_text='How many writes this row stands for: one, or those folded in by the prune.', verbose_name='changes')),
                ('at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), verbose_name='when')),
            ],
            options={
                'verbose_name': 'data change',
                'verbose_name_plural': 'data changes',
            },
        ),
        *datachanges.install(),
        *datachanges.track(
            [
                "portal_province",
                "portal_municipality",
                "portal_postcode",
                "portal_region_municipalities",
                "portal_servicecategory",
            ]
        ),
    ]
