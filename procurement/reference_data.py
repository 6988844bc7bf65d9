"""Procurement's reference data, loaded by `manage.py load_reference_data` (which finds this
module by its name): which recognition qualifies for which procurement route, with its legal
source (data/procurement_eligibility.csv), and the model clause of each route
(data/procurement_clauses.csv); their sources are in data/SOURCES.md.

Both are the administrators' to correct in the admin, so a load only adds the rows that are
missing: a row an administrator changed keeps their text. A row an administrator deleted comes
back with the next load; to withdraw a route for good, take it out of the CSV file too.
"""

from datetime import date

from django.core.management.base import CommandError

from companies.models import Recognition
from portal.management.commands.load_reference_data import Outcome, read_rows

from .models import Eligibility, ModelClause, Route


def _route(value, filename):
    if value not in Route.values:
        raise CommandError(f"{filename}: unknown procurement route {value!r}")
    return value


def load_eligibility(directory):
    filename = "procurement_eligibility.csv"
    outcome = Outcome("Procurement eligibility")
    rows = read_rows(directory, filename, ["recognition", "route", "legal_source", "source_date"])
    outcome.rows = len(rows)
    recognitions = Recognition.objects.in_bulk(field_name="slug")
    existing = set(Eligibility.objects.values_list("recognition__slug", "route"))
    new, absent = [], []
    for row in rows:
        recognition = recognitions.get(row["recognition"])
        key = (row["recognition"], _route(row["route"], filename))
        if recognition is None:
            # Recognitions come with companies' migrations; a database emptied by a test has
            # none until they are restored. Said in the outcome, not an error.
            absent.append(row["recognition"])
            continue
        if key in existing:
            continue
        new.append(
            Eligibility(
                recognition=recognition,
                route=row["route"],
                legal_source=row["legal_source"],
                source_date=date.fromisoformat(row["source_date"]),
            )
        )
        outcome.created.add(key)
    Eligibility.objects.bulk_create(new)
    if absent:
        outcome.rows -= len(absent)
        outcome.label += (
            f" (left out, recognitions not in the database: {', '.join(sorted(set(absent)))})"
        )
    return outcome


def load_clauses(directory):
    filename = "procurement_clauses.csv"
    outcome = Outcome("Model clauses")
    rows = read_rows(directory, filename, ["route", "text_nl", "text_fr", "text_en", "source"])
    outcome.rows = len(rows)
    existing = set(ModelClause.objects.values_list("route", flat=True))
    new = []
    for row in rows:
        if _route(row["route"], filename) in existing:
            continue
        new.append(
            ModelClause(
                route=row["route"],
                **{name: row[name] for name in ("text_nl", "text_fr", "text_en", "source")},
            )
        )
        outcome.created.add(row["route"])
    ModelClause.objects.bulk_create(new)
    return outcome


def load(directory):
    return [load_eligibility(directory), load_clauses(directory)]
