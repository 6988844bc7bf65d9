"""The list of known words of names and titles (portal.SearchWord), with a trigram index: the
text search looks a near spelling of a query word up here (portal/textsearch.py, issue 9)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX search_word_trgm ON portal_searchword USING gin (word gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_word_trgm")


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_data_changes")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=60, unique=True, verbose_name="word")),
            ],
            options={"verbose_name": "search word", "verbose_name_plural": "search words"},
        ),
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
