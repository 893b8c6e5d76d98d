from django.db import migrations

from performa.catalog.loader import load_catalogs


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(load_catalogs, migrations.RunPython.noop)]
