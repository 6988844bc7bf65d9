"""One row per collaboration before the register's identity becomes a constraint (0009).

Imports run at the same moment, and a declaration racing an import, could write the same
collaboration (pair, the regular side's role, service category, start) more than once. Each
such group is merged into one row, so that nothing the twins held is lost:

- the row kept is the one that counts most: confirmed by both sides, then not disputed, then
  the oldest;
- it gets the earliest confirmation of each side found among the twins (a firm and an
  enterprise that each declared the same collaboration have both confirmed it); a dispute
  stays only while a side has not confirmed, as `collaborations.confirm` would clear it;
- it keeps its own end, channel, source and declarer, and takes a twin's import key when it
  has none (so that importing the file again still reports those lines as present);
- whatever refers to a twin (a redeemed voucher) is pointed at the row kept; then the twins
  are deleted.

A database without twins is not changed. Going back does not split rows again.
"""

from django.db import migrations
from django.db.models import Count


def merge_duplicates(apps, schema_editor):
    Collaboration = apps.get_model("companies", "Collaboration")
    db = schema_editor.connection.alias
    rows = Collaboration.objects.using(db)
    identity = ("regular_id", "social_id", "role", "category_id", "started")
    groups = (
        rows.order_by()
        .values(*identity)
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values_list(*identity)
    )
    # Foreign keys to Collaboration of the apps migrated so far (vouchers); found through the
    # model state, so that companies names no app above it.
    references = [
        relation
        for relation in Collaboration._meta.related_objects
        if relation.field.many_to_one and relation.field.concrete
    ]
    for regular, social, role, category, started in list(groups):
        twins = list(
            rows.filter(
                regular_id=regular,
                social_id=social,
                role=role,
                category_id=category,
                started=started,
            )
        )
        twins.sort(
            key=lambda row: (
                row.confirmed_by_regular_at is None or row.confirmed_by_social_at is None,
                row.disputed_at is not None,
                row.created_at,
                row.pk,
            )
        )
        kept, others = twins[0], twins[1:]
        for side in ("confirmed_by_regular_at", "confirmed_by_social_at"):
            moments = [getattr(row, side) for row in twins if getattr(row, side) is not None]
            setattr(kept, side, min(moments) if moments else None)
        if kept.confirmed_by_regular_at and kept.confirmed_by_social_at:
            kept.disputed_at, kept.dispute_note = None, ""
        elif kept.disputed_at is None:
            disputed = [row for row in twins if row.disputed_at is not None]
            if disputed:
                first = min(disputed, key=lambda row: row.disputed_at)
                kept.disputed_at, kept.dispute_note = first.disputed_at, first.dispute_note
        import_key = kept.import_key or next(
            (row.import_key for row in others if row.import_key), None
        )
        other_pks = [row.pk for row in others]
        for relation in references:
            relation.related_model._base_manager.using(db).filter(
                **{f"{relation.field.attname}__in": other_pks}
            ).update(**{relation.field.attname: kept.pk})
        rows.filter(pk__in=other_pks).delete()
        kept.import_key = import_key
        kept.save(
            update_fields=[
                "confirmed_by_regular_at",
                "confirmed_by_social_at",
                "disputed_at",
                "dispute_note",
                "import_key",
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0008_organisation_name_skeleton"),
    ]

    operations = [
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop, elidable=True),
    ]
