"""The duplicate check at scale (registration/duplicates.py), PostgreSQL only, built
without blocking registrations: a GIN index on the words of the name key of the cases
(beside the trigram index of 0002), and the dates of birth that were estimated (a minority:
every registration looks for them within a year of its date of birth)."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS child_name_words ON cases_child "
            "USING gin (string_to_array(name_key, ' ')) WHERE NOT anonymous"
        )
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS child_estimated_date_of_birth "
            "ON cases_child (date_of_birth) WHERE date_of_birth_estimated AND NOT anonymous"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS child_name_words")
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS child_estimated_date_of_birth")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0008_notification_kind_emergency_access")]

    operations = [migrations.RunPython(forward, backward)]
