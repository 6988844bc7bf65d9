"""PostgreSQL's part of the directory search: extensions, a Dutch unaccented text search
configuration and the GIN indexes. Nothing happens on SQLite, where search falls back to a
plain contains filter (companies/search.py)."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

FORWARD = [
    "CREATE TEXT SEARCH CONFIGURATION brugwerk_dutch (COPY = pg_catalog.dutch)",
    "ALTER TEXT SEARCH CONFIGURATION brugwerk_dutch "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, dutch_stem",
    # The directory's text search: search_vector @@ websearch_to_tsquery(...).
    "CREATE INDEX organisation_search ON companies_organisation USING gin (search_vector)",
    # Names with typos: name % 'query' (trigram similarity).
    "CREATE INDEX organisation_name_trgm ON companies_organisation "
    "USING gin (name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS organisation_name_trgm",
    "DROP INDEX IF EXISTS organisation_search",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS brugwerk_dutch",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_initial")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
