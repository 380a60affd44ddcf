from django.db import migrations


def create_gin_index(apps, schema_editor):
    """The GIN index of the notices' search vectors: PostgreSQL only (SQLite searches with icontains)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS notice_search_gin ON notices_notice USING gin (search_vector)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS notice_search_gin")


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(create_gin_index, drop_gin_index, elidable=False)]
