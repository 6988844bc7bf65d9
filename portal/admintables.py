"""Dates in the admin's lists in the portal's table format (docs/architecture.md, "Dates").

Django's changelist writes a DateField with DATE_FORMAT ("13 december 2026") and a DateTimeField
with DATETIME_FORMAT ("13 december 2026, 14:05"), the formats of running text. The portal's
tables use SHORT_DATE_FORMAT ("13-12-2026", "13/12/2026") and, where the time matters,
SHORT_DATETIME_FORMAT ("13-12-2026 14:05"). Django has no setting for a changelist's format, so
`install()` (from PortalConfig.ready) wraps the two functions the changelist's cells are written
with (django.contrib.admin.templatetags.admin_list); change pages keep the text format.
"""

import datetime

from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.utils import formats, timezone


def table_date(value):
    """A date or datetime as the portal's tables write it, or None for anything else."""
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.template_localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return None


def install():
    if getattr(admin_list.display_for_field, "writes_table_dates", False):
        return
    display_for_field = admin_list.display_for_field
    display_for_value = admin_list.display_for_value

    def field_in_table(value, field, empty_value_display, *args, **kwargs):
        if isinstance(field, models.DateField) and not field.flatchoices:
            written = table_date(value)
            if written is not None:
                return written
        return display_for_field(value, field, empty_value_display, *args, **kwargs)

    def value_in_table(value, empty_value_display, *args, **kwargs):
        written = table_date(value)
        if written is not None:
            return written
        return display_for_value(value, empty_value_display, *args, **kwargs)

    field_in_table.writes_table_dates = True
    admin_list.display_for_field = field_in_table
    admin_list.display_for_value = value_in_table
