from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0005_orphan_dismissed"),
    ]

    operations = [
        migrations.AddField(
            model_name="annotation",
            name="spoiler",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("spoiler", True)),
                fields=["chapter"],
                name="annotation_spoilers",
            ),
        ),
    ]
