"""The lists' cached facet counts and orders (portal/facets.py, "Browsing") are keyed by the data
version too: the option rows they label (sectors, regions) move it as well."""

from django.db import migrations

from portal import datachanges


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0009_admin_list_order"),
    ]

    operations = datachanges.track(["portal_sector", "portal_region"])
