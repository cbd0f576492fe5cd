"""Write a chunk's scores in bulk: an upsert on (account, as_of), never a query per account.

On PostgreSQL the rows are streamed with COPY into a temporary table and merged with one
INSERT … ON CONFLICT DO UPDATE; elsewhere (SQLite) bulk_create with update_conflicts.
Rows of the chunk's range and day that the run no longer produced are removed, so a rerun
leaves exactly what a clean run leaves.
"""

import json

from django.db import connection, transaction

from accounts.models import LoyaltyScore

COLUMNS = (
    "account_id",
    "as_of",
    "score",
    "tier",
    "churn_risk",
    "components",
    "reasons",
    "reason_sentences",
)
UPDATED = COLUMNS[2:]
JSON_COLUMNS = {"components", "reasons", "reason_sentences"}
# SQLite allows 32,766 parameters per statement; 8 columns × 1,000 rows stays well inside.
SQLITE_BATCH = 1_000


def copy_upsert(rows: list[dict]) -> None:
    table = connection.ops.quote_name(LoyaltyScore._meta.db_table)
    columns = ", ".join(COLUMNS)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in UPDATED)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE loyalty_score_load ON COMMIT DROP AS "  # noqa: S608 (names are ours)
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY loyalty_score_load ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[column], ensure_ascii=False)
                        if column in JSON_COLUMNS
                        else row[column]
                        for column in COLUMNS
                    ]
                )
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM loyalty_score_load "  # noqa: S608
            f"ON CONFLICT (account_id, as_of) DO UPDATE SET {updates}"
        )
        cursor.execute("DROP TABLE loyalty_score_load")


def bulk_upsert(rows: list[dict]) -> None:
    LoyaltyScore.objects.bulk_create(
        [LoyaltyScore(**row) for row in rows],
        update_conflicts=True,
        unique_fields=["account", "as_of"],
        update_fields=list(UPDATED),
        batch_size=SQLITE_BATCH,
    )


@transaction.atomic
def loyalty_scores_write(*, rows: list[dict], as_of, lo: int, hi: int) -> int:
    """Make the scores of accounts lo..hi as of `as_of` exactly `rows`; returns their number."""
    if rows:
        if connection.vendor == "postgresql":
            copy_upsert(rows)
        else:
            bulk_upsert(rows)
    LoyaltyScore.objects.filter(as_of=as_of, account_id__gte=lo, account_id__lte=hi).exclude(
        account_id__in=[row["account_id"] for row in rows]
    ).delete()
    return len(rows)
