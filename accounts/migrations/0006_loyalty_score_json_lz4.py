"""The loyalty scores' JSON columns compressed with lz4: the nightly run writes them all."""

from django.db import migrations

from accounts.column_compression import lz4_compression


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_history_of_nps_answers_and_activities")]

    operations = [
        lz4_compression("accounts_loyaltyscore", ("components", "reasons", "reason_sentences")),
    ]
