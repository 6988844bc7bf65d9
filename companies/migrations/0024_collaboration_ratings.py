"""Issue 21, item 3: each side's rating of a collaboration, once per period; the evaluation report
reads the table, so every write to it moves the data version (portal/datachanges.py)."""

import django.db.models.deletion
from django.db import migrations, models

from portal import datachanges


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0023_list_data_changes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CollaborationRating",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "side",
                    models.CharField(
                        choices=[
                            ("regular", "regular organisation"),
                            ("social", "social enterprise"),
                        ],
                        max_length=10,
                        verbose_name="side",
                    ),
                ),
                ("period", models.CharField(max_length=20, verbose_name="period")),
                ("score", models.PositiveSmallIntegerField(verbose_name="score")),
                ("would_work_again", models.BooleanField(verbose_name="would work together again")),
                (
                    "note",
                    models.TextField(blank=True, max_length=2000, verbose_name="private note"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "collaboration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ratings",
                        to="companies.collaboration",
                        verbose_name="collaboration",
                    ),
                ),
            ],
            options={
                "verbose_name": "collaboration rating",
                "verbose_name_plural": "collaboration ratings",
                "ordering": ["created_at", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("score__gte", 1), ("score__lte", 5)),
                        name="rating_score_1_to_5",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("side__in", ["regular", "social"])),
                        name="rating_side_known",
                    ),
                    models.UniqueConstraint(
                        models.F("collaboration"),
                        models.F("side"),
                        models.F("period"),
                        name="one_rating_per_side_and_period",
                    ),
                ],
            },
        ),
        *datachanges.track(["companies_collaborationrating"]),
    ]
