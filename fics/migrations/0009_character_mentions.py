import django.db.models.deletion
from django.db import migrations, models

from fics.mentions import record_mentions


def count_existing_works(apps, schema_editor):
    mention = apps.get_model("fics", "CharacterMention")
    paragraph = apps.get_model("fics", "Paragraph")
    for work in apps.get_model("fics", "Work").objects.only("characters", "suggested_characters"):
        record_mentions(work, mention_model=mention, paragraph_model=paragraph)


class Migration(migrations.Migration):
    dependencies = [
        ("fics", "0008_work_source_address"),
    ]

    operations = [
        migrations.CreateModel(
            name="CharacterMention",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("scene", models.PositiveIntegerField()),
                ("name", models.CharField(max_length=300)),
                ("count", models.PositiveIntegerField()),
                ("first_paragraph", models.PositiveIntegerField()),
                (
                    "chapter",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentions",
                        to="fics.chapter",
                    ),
                ),
            ],
            options={
                "ordering": ["chapter_id", "scene", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("chapter", "scene", "name"), name="mention_unique_per_scene"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("count__gte", 1)), name="mention_count_gte_1"
                    ),
                ],
            },
        ),
        migrations.RunPython(count_existing_works, migrations.RunPython.noop),
    ]
