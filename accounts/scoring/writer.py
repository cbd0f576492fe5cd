"""Write a chunk's scores in bulk: an upsert on (account, as_of), never a query per account.

On PostgreSQL the rows go as one JSON array (accounts.bulk_json) unpacked into one
INSERT … ON CONFLICT DO UPDATE; elsewhere (SQLite) bulk_create with update_conflicts.
Rows of the chunk's range and day that the run no longer produced are removed, so a rerun
leaves exactly what a clean run leaves.
"""

import json

from django.db import connection, transaction

from accounts.bulk_json import json_rows_sql
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
RECORD_TYPES = {
    "account_id": "bigint",
    "as_of": "date",
    "score": "numeric",
    "tier": "text",
    "churn_risk": "boolean",
    "components": "jsonb",
    "reasons": "jsonb",
    "reason_sentences": "jsonb",
}
# SQLite allows 32,766 parameters per statement; 8 columns × 1,000 rows stays well inside.
SQLITE_BATCH = 1_000


def json_upsert(rows: list[dict], *, as_of, lo: int, hi: int) -> None:
    """One statement: the chunk travels as one JSON array (accounts.bulk_json), is upserted,
    and the rows of the range the run no longer produced are deleted. Measured on 5,000
    rows: one json.dumps of the whole list takes ~0.15 s where a dumps per JSON column and a
    COPY row per account took ~1 s (and a NOT IN list of 5,000 ids another 0.2 s to build)."""
    table = connection.ops.quote_name(LoyaltyScore._meta.db_table)
    columns = ", ".join(COLUMNS)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in UPDATED)
    # the dates and Decimal scores go as strings (default=str), read back by their SQL types
    payload = json.dumps(rows, ensure_ascii=False, default=str)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH loaded AS ({json_rows_sql(RECORD_TYPES)}), "  # noqa: S608 (names are ours)
            f"written AS (INSERT INTO {table} ({columns}) SELECT {columns} FROM loaded "
            f"ON CONFLICT (account_id, as_of) DO UPDATE SET {updates}) "
            f"DELETE FROM {table} AS score WHERE as_of = %s AND account_id BETWEEN %s AND %s "
            "AND NOT EXISTS (SELECT 1 FROM loaded WHERE loaded.account_id = score.account_id)",
            [payload, as_of, lo, hi],
        )


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
    if connection.vendor == "postgresql":
        json_upsert(rows, as_of=as_of, lo=lo, hi=hi)
        return len(rows)
    if rows:
        bulk_upsert(rows)
    LoyaltyScore.objects.filter(as_of=as_of, account_id__gte=lo, account_id__lte=hi).exclude(
        account_id__in=[row["account_id"] for row in rows]
    ).delete()
    return len(rows)
