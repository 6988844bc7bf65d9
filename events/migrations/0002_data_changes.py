"""Every write to the tables of events that the reports read moves the data version
(portal/datachanges.py): events, registrations, meetings and deals (events/reports.py). Attendees,
meeting seats and follow-ups are read by no report."""

from django.db import migrations

from portal import datachanges


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("portal", "0004_data_changes"),
    ]

    operations = datachanges.track(
        ["events_event", "events_registration", "events_meeting", "events_deal"]
    )
