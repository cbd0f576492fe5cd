"""Drop the single-column indexes of three foreign keys that a wider index already leads with.

Only the indexes go: Django's own AlterField would also drop and re-add each foreign key,
which re-checks every usage row under a lock (tens of millions of rows in production). The
index names are Django's for these columns, the same on PostgreSQL and SQLite.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "accounts_loyaltyscore_account_id_13d2713f": ("accounts_loyaltyscore", "account_id"),
    "accounts_usagerecord_account_id_a63b277f": ("accounts_usagerecord", "account_id"),
    "accounts_usagerecord_subscription_id_9fff272f": ("accounts_usagerecord", "subscription_id"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_nps_answer_latest_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
                )
                for name, (table, column) in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="loyaltyscore",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="loyalty_scores",
                        to="accounts.account",
                        verbose_name="account",
                    ),
                ),
                migrations.AlterField(
                    model_name="usagerecord",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="usage_records",
                        to="accounts.account",
                        verbose_name="account",
                    ),
                ),
                migrations.AlterField(
                    model_name="usagerecord",
                    name="subscription",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="usage_records",
                        to="accounts.subscription",
                        verbose_name="subscription",
                    ),
                ),
            ],
        ),
    ]
