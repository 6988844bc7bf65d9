"""Organisation names into the list of known words (portal.SearchWord): a near spelling of a
name is now looked up there rather than by a trigram index over every name, which goes
(issue 9)."""

import re

from django.db import migrations

WORD = re.compile(r"[^\W_]+")


def add_names(apps, schema_editor):
    Organisation = apps.get_model("companies", "Organisation")
    SearchWord = apps.get_model("portal", "SearchWord")
    db = schema_editor.connection.alias
    words = set()
    for name in Organisation.objects.using(db).values_list("name", flat=True).iterator():
        words |= {word for word in WORD.findall(name.lower()) if 1 < len(word) <= 60}
    SearchWord.objects.using(db).bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True, batch_size=1000
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS organisation_name_trgm")


def restore_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX organisation_name_trgm ON companies_organisation "
            "USING gin (name gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("companies", "0006_data_changes"), ("portal", "0005_search_words")]

    operations = [migrations.RunPython(add_names, restore_index)]
