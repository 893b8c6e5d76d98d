from django.db import migrations

from performa.catalog.loader import load_catalogs


class Migration(migrations.Migration):
    """Missions 033.002, 090 and 091 (DM 27/03/2013) added to the shipped list."""

    dependencies = [("catalog", "0002_load_catalogs")]

    operations = [migrations.RunPython(load_catalogs, migrations.RunPython.noop)]
