"""The API's history lists in their order, newest first, read from an index: activities,
NPS answers and orders (usage and loyalty scores have theirs in their unique constraints)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_account_search_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["occurred_on", "id"], name="activity_list_order"),
        ),
        migrations.AddIndex(
            model_name="npsresponse",
            index=models.Index(fields=["answered_on", "id"], name="nps_answer_list_order"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["ordered_on", "id"], name="order_list_order"),
        ),
    ]
