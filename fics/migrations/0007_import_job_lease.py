from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("fics", "0006_work_suggested_characters"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="heartbeat",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="importjob",
            name="task_id",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
