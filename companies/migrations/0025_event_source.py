"""Issue 22: a collaboration declared as a deal at a network event (events/deals.py) says so in its
source."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0024_collaboration_ratings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='collaboration',
            name='source',
            field=models.CharField(choices=[('manual', 'Declared by a member'), ('voucher', 'Redeemed voucher'), ('service_request', 'Accepted offer'), ('import', 'Imported'), ('event', 'Deal at a network event')], default='manual', max_length=20, verbose_name='source'),
        ),
    ]
