"""The skeleton of each organisation's name (portal.names.skeleton), indexed, so that a name
that looks like another one is found by one lookup (issue 16: look-alike organisations)."""

from django.db import migrations, models

from portal import names

BATCH = 1000


def fill_skeletons(apps, schema_editor):
    Organisation = apps.get_model("companies", "Organisation")
    db = schema_editor.connection.alias
    rows = Organisation.objects.using(db).only("pk", "name").order_by("pk").iterator(BATCH)
    batch = []
    for organisation in rows:
        organisation.name_skeleton = names.skeleton(organisation.name)
        batch.append(organisation)
        if len(batch) == BATCH:
            Organisation.objects.using(db).bulk_update(batch, ["name_skeleton"])
            batch = []
    Organisation.objects.using(db).bulk_update(batch, ["name_skeleton"])


class Migration(migrations.Migration):
    dependencies = [("companies", "0007_search_words")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="name_skeleton",
            field=models.CharField(blank=True, editable=False, max_length=400),
        ),
        migrations.RunPython(fill_skeletons, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["name_skeleton"], name="organisation_name_skeleton"),
        ),
    ]
