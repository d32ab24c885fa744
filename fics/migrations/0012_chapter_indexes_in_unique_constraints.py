import django.db.models.deletion
from django.db import migrations, models

# The chapter's own index on paragraphs and mentions: each unique constraint's index begins with
# the chapter and serves the same lookups. Dropped by name (Django's, the same on SQLite and
# PostgreSQL) rather than by AlterField, which on SQLite copies the whole paragraph table.
INDEXES = {
    "fics_paragraph": "fics_paragraph_chapter_id_b8a179aa",
    "fics_charactermention": "fics_charactermention_chapter_id_aa1baa1d",
}


class Migration(migrations.Migration):
    dependencies = [("fics", "0011_work_staged_at")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {index}",
                    reverse_sql=f"CREATE INDEX {index} ON {table} (chapter_id)",
                )
                for table, index in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="charactermention",
                    name="chapter",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentions",
                        to="fics.chapter",
                    ),
                ),
                migrations.AlterField(
                    model_name="paragraph",
                    name="chapter",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="paragraphs",
                        to="fics.chapter",
                    ),
                ),
            ],
        )
    ]
