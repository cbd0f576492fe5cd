"""The account search's indexes: trigram indexes for the name and the reading, on PostgreSQL,
and an index on the corporate number everywhere.

The search is `UPPER(name) LIKE UPPER('%term%')` (Django's icontains), which no B-tree can
serve: every search read all the accounts (80 ms for the count alone at 100,000 accounts).
A pg_trgm GIN index on the same expression answers it in ~3 ms; PostgreSQL combines the
three terms' index scans. The extension and its indexes exist on PostgreSQL only (SQLite has
neither; it scans, which at its scale is fine).
"""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "account_name_trigram": "name",
    "account_kana_trigram": "name_kana",
}


def trigram_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        # The expression is icontains' own, cast included, or the planner would not match it.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON accounts_account "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def trigram_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other objects may use it, and it costs nothing idle.
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_loyalty_score_inputs")]

    operations = [
        migrations.AddIndex(
            model_name="account",
            index=models.Index(fields=["corporate_number"], name="account_corporate_number"),
        ),
        migrations.RunPython(trigram_indexes_create, trigram_indexes_drop),
    ]
