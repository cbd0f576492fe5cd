"""Activities in the API's order (newest first) read from an index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_account_search_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["occurred_on", "id"], name="activity_list_order"),
        ),
    ]
