"""The offer cards' JSON columns compressed with lz4: the nightly run writes thousands."""

from django.db import migrations

from accounts.column_compression import lz4_compression


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0005_history_of_opportunities_hearings_follow_ups")]

    operations = [
        lz4_compression("opportunities_offercard", ("reasons", "talking_points", "timing")),
    ]
