"""The dictionary's GIN indexes take each new key at once (fastupdate off).

With GIN's fast update a new entry goes to a pending list that every search reads whole
until a vacuum (or 4 MB of entries) merges it into the index. The dictionary is small and
read on every name search and duplicate check, while keys arrive one registration at a
time and the table, insert-only, is vacuumed rarely: at a million cases some thousands of
new keys made each read cost 9-17 ms instead of 1-3 (issue 14, docs/benchmarks.md). Each
registration of a new name now updates the index itself (a few dozen trigram entries).
The pending list already there is merged."""

from django.db import migrations

INDEXES = ("name_key_trgm", "name_key_words")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {index} SET (fastupdate = off)")
        schema_editor.execute(
            f"SELECT gin_clean_pending_list(c.oid) FROM pg_class c WHERE c.relname = '{index}'"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {index} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_report_covering_indexes")]

    operations = [migrations.RunPython(forward, backward)]
