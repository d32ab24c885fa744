from django.db import migrations

# The FTS5 table without the two-letter prefix index of 0003: a word being typed matches as a
# prefix only from three letters (search.query.forms), which FTS5 reads from the terms' own
# index in order. Filling the two-letter index was a fifth of the full-text index's part of an
# import (the shared corpus: 1.76 s of the writing process's time with it, 1.53 without).
TABLE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_document', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'{prefix})"
)


def recreate(prefix: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        # The triggers name the table and are resolved when they fire: they stay as they are.
        schema_editor.execute("DROP TABLE search_fts")
        schema_editor.execute(TABLE.format(prefix=prefix))
        schema_editor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_fts_two_letter_prefix_index")]

    operations = [migrations.RunPython(recreate(""), recreate(", prefix='2'"))]
