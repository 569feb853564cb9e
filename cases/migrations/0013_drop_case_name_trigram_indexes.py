"""The fuzzy matches of names read the dictionary of keys (0012) instead of the cases: the
trigram index of the cases' keys (0011) and the index of their words (0009) serve no query
any more, and every registration and import paid for their upkeep (a GIN entry per
trigram of each name). Dropped without blocking registrations."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS case_county_name_trgm")
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS child_name_words")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_county_name_trgm ON cases_child "
            "USING gin (current_county_id, name_key gin_trgm_ops) WHERE NOT anonymous"
        )
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS child_name_words ON cases_child "
            "USING gin (string_to_array(name_key, ' ')) WHERE NOT anonymous"
        )


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0012_name_key_dictionary")]

    operations = [migrations.RunPython(forward, backward)]
