from django.db import migrations

# One definition of a document's vector, used by the trigger on every write and by a rebuild,
# which fills the vectors in its INSERT … SELECT with the trigger off (search.index.rebuild):
# the two cannot drift apart. What the vector is stays as 0001 made it.
POSTGRES = [
    """
    CREATE FUNCTION search_vector(config text, body text) RETURNS tsvector
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_tsvector(config::regconfig, replace(body, '<', U&'<\\200B')) $$
    """,
    """
    CREATE OR REPLACE FUNCTION search_document_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.vector := search_vector(NEW.config, NEW.body);
        RETURN NEW;
    END $$
    """,
]
POSTGRES_REVERSE = [
    """
    CREATE OR REPLACE FUNCTION search_document_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        searched text := replace(NEW.body, '<', U&'<\\200B');
    BEGIN
        NEW.vector := to_tsvector(NEW.config::regconfig, searched);
        RETURN NEW;
    END $$
    """,
    "DROP FUNCTION search_vector(text, text)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_index")]

    operations = [migrations.RunPython(run(POSTGRES), run(POSTGRES_REVERSE))]
