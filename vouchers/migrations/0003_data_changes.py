"""Every write to the tables of vouchers that the reports read moves the data version
(portal/datachanges.py): programmes and vouchers. (Voucher events are not read by any report;
every step that adds one writes the voucher too.)"""

from django.db import migrations

from portal import datachanges


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0002_budget_guard"),
        ("portal", "0004_data_changes"),
    ]

    operations = datachanges.track(["vouchers_programme", "vouchers_voucher"])
