"""Issue 20: the description weighs D in the search vector (a mere mention), and the words of
service categories, recognitions and services' texts become known words of the text search
(portal.SearchWord: near spellings and "Did you mean")."""

from django.db import migrations

from portal.textsearch import CONFIG, words_of


def reweigh(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # Rows never indexed keep no vector (they rank last, as before).
        cursor.execute(
            "UPDATE companies_organisation SET search_vector = "
            "setweight(to_tsvector(%s::regconfig, COALESCE(name, '')), 'A') || "
            "setweight(to_tsvector(%s::regconfig, COALESCE(search_text, '')), 'B') || "
            "setweight(to_tsvector(%s::regconfig, COALESCE(description, '')), 'D') "
            "WHERE search_vector IS NOT NULL",
            [CONFIG, CONFIG, CONFIG],
        )


def add_words(apps, schema_editor):
    using = schema_editor.connection.alias
    ServiceCategory = apps.get_model("portal", "ServiceCategory")
    Recognition = apps.get_model("companies", "Recognition")
    OfferedService = apps.get_model("companies", "OfferedService")
    SearchWord = apps.get_model("portal", "SearchWord")
    words = set()
    for model, fields in [
        (ServiceCategory, ("name_nl", "name_fr", "name_en")),
        (Recognition, ("name_nl", "name_fr", "name_en")),
    ]:
        for names in model.objects.using(using).values_list(*fields):
            for name in names:
                words |= words_of(name)
    services = OfferedService.objects.using(using).exclude(description="")
    for description in services.values_list("description", flat=True).iterator():
        words |= words_of(description)
    SearchWord.objects.using(using).bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True, batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0021_organisation_in_municipality"),
        ("portal", "0005_search_words"),
    ]

    operations = [
        migrations.RunPython(reweigh, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(add_words, migrations.RunPython.noop, elidable=True),
    ]
