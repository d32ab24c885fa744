from django.db import migrations

# The FTS5 table with a prefix index for two letters only, where 0001 had '2 3 4': those were
# 45 % of what an import spent filling the index (0.89 s of the shared corpus's index; 0.60 s
# with '2'). A longer prefix finds its terms without an index of its own, by reading the range
# of terms that start with it (one letter always did): few terms share three or four letters,
# and ranking a prefix's matches over the shared corpus took the same time either way, within
# a few milliseconds (7 ms of 36 for "the"). Two letters keep theirs: such a range holds
# thousands of terms ("th": 47 ms rather than 37 without it). PostgreSQL's index is unchanged.
TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def recreate(prefixes: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        # The triggers name the table and are resolved when they fire: they stay as they are.
        schema_editor.execute("DROP TABLE search_fts")
        schema_editor.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_document', "
            f"content_rowid='id', {TOKENIZE}, prefix='{prefixes}')"
        )
        schema_editor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_vector_function")]

    operations = [migrations.RunPython(recreate("2"), recreate("2 3 4"))]
