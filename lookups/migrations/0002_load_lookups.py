from django.db import migrations


def load(apps, schema_editor):
    from lookups.loading import load_lookups

    load_lookups(apps)


class Migration(migrations.Migration):
    dependencies = [("lookups", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
