"""Trigram indexes on opportunity titles (PostgreSQL only): a near spelling of a title word
("magazijnmedewerkr") is matched by word similarity, which these indexes serve."""

from django.db import migrations

TABLES = ["vacancies_vacancy", "vacancies_servicerequest"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE INDEX {table}_title_trgm ON {table} USING gin (title gin_trgm_ops)"
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_title_trgm")


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0003_supports")]

    operations = [migrations.RunPython(forwards, backwards)]
