"""The offer cards' JSON columns compressed with lz4: the nightly run writes thousands.

lz4 (PostgreSQL 14+) compresses about as well as the default pglz at a fraction of the CPU:
measured on 5,000 loyalty scores, the insert took 0.84 s instead of 1.85 s (docs/benchmarks.md).
Only new values are compressed so; a server built without lz4 keeps pglz, and other
databases have nothing to change.
"""

from django.db import migrations

TABLE = "opportunities_offercard"
COLUMNS = ('reasons', 'talking_points', 'timing')


def set_compression(method: str):
    def change(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        alter = ", ".join(f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in COLUMNS)
        schema_editor.execute(
            f"DO $$ BEGIN ALTER TABLE {TABLE} {alter}; "
            "EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL; END $$"
        )

    return change


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0005_history_of_opportunities_hearings_follow_ups")]

    operations = [
        migrations.RunPython(set_compression("lz4"), set_compression("pglz"), elidable=True),
    ]
