"""GIN indexes for the full-text search of vacancies and service requests (PostgreSQL only;
the text search configuration brugwerk_dutch comes from companies 0002)."""

from django.db import migrations

TABLES = ["vacancies_vacancy", "vacancies_servicerequest"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            # The list pages' text search: search_vector @@ websearch_to_tsquery(...).
            schema_editor.execute(
                f"CREATE INDEX {table}_search ON {table} USING gin (search_vector)"
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search")


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0001_initial"),
        ("companies", "0002_postgres_search"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
