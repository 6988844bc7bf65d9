"""The lists' text search at volume (issue 9).

- Titles into the list of known words (portal.SearchWord): a near spelling of a title word is
  looked up there rather than by a trigram index over every title, which goes.
- The text search of the lists, which only ever list published opportunities, on GIN indexes of
  the published ones only: they stay as small as what is open, however long the history grows.
- Statistics over status and closing date together: every published opportunity is one whose
  closing date has not passed, which the planner, taking the two as independent, underestimated
  fivefold, and so chose to read every open row rather than the text index.
"""

import re

from django.db import migrations

WORD = re.compile(r"[^\W_]+")
TABLES = {"vacancies_vacancy": "vacancy", "vacancies_servicerequest": "request"}


def forwards(apps, schema_editor):
    SearchWord = apps.get_model("portal", "SearchWord")
    db = schema_editor.connection.alias
    words = set()
    for name in ("Vacancy", "ServiceRequest"):
        model = apps.get_model("vacancies", name)
        for title in model.objects.using(db).values_list("title", flat=True).iterator():
            words |= {word for word in WORD.findall(title.lower()) if 1 < len(word) <= 60}
    SearchWord.objects.using(db).bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True, batch_size=1000
    )
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, short in TABLES.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_title_trgm")
        schema_editor.execute(
            f"CREATE INDEX {short}_published_search ON {table} USING gin (search_vector) "
            "WHERE status = 'published'"
        )
        schema_editor.execute(
            f"CREATE STATISTICS {short}_open (mcv) ON status, closing_date FROM {table}"
        )
        schema_editor.execute(f"ANALYZE {table}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, short in TABLES.items():
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {short}_open")
        schema_editor.execute(f"DROP INDEX IF EXISTS {short}_published_search")
        schema_editor.execute(
            f"CREATE INDEX {table}_title_trgm ON {table} USING gin (title gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0009_data_changes"), ("portal", "0005_search_words")]

    operations = [migrations.RunPython(forwards, backwards)]
