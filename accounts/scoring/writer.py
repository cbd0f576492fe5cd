"""Write a chunk's scores in bulk, never a query per account.

A chunk's rows of its day are replaced whole: on PostgreSQL the range's rows of the day are
deleted and the new ones sent with one COPY (the bare write the benchmark's floor makes);
elsewhere (SQLite) bulk_create with update_conflicts, then the rows the run no longer
produced are removed. Either way a rerun leaves exactly what a clean run leaves.
"""

import datetime

import pandas as pd
from django.db import connection, transaction

from accounts.models import LoyaltyScore

from .components import INPUTS

COLUMNS = ("account_id", "as_of", "score", "tier", "churn_risk", *INPUTS)
# SQLite allows 32,766 parameters per statement; 20 columns × 1,000 rows stays well inside.
SQLITE_BATCH = 1_000


def column_values(column: pd.Series) -> list:
    """A frame's column as the database takes it: None for NaN and NaT, dates as dates."""
    if pd.api.types.is_datetime64_any_dtype(column):
        column = column.dt.date
    return column.astype(object).where(column.notna(), None).tolist()


def score_values(frame: pd.DataFrame, *, as_of: datetime.date) -> list[tuple]:
    """The COLUMNS of every row of a component frame, as tuples, built a whole column at a
    time (a conversion per value cost 0.14 s per 5,000 scores, as much as their COPY)."""
    columns = [
        frame.index.astype("int64").tolist(),
        [as_of] * len(frame),
        frame["score"].round(1).tolist(),
        frame["tier"].tolist(),
        frame["churn_risk"].astype(bool).tolist(),
        *(column_values(frame[name]) for name in INPUTS),
    ]
    return list(zip(*columns, strict=True))


def copy_replace(rows: list[tuple], *, as_of: datetime.date, lo: int, hi: int) -> None:
    table = connection.ops.quote_name(LoyaltyScore._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE as_of = %s AND account_id BETWEEN %s AND %s",  # noqa: S608
            [as_of, lo, hi],
        )
        with cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def bulk_replace(rows: list[tuple], *, as_of: datetime.date, lo: int, hi: int) -> None:
    LoyaltyScore.objects.bulk_create(
        [LoyaltyScore(**dict(zip(COLUMNS, row, strict=True))) for row in rows],
        update_conflicts=True,
        unique_fields=["account", "as_of"],
        update_fields=list(COLUMNS[2:]),
        batch_size=SQLITE_BATCH,
    )
    LoyaltyScore.objects.filter(as_of=as_of, account_id__gte=lo, account_id__lte=hi).exclude(
        account_id__in=[row[0] for row in rows]
    ).delete()


@transaction.atomic
def loyalty_scores_write(*, frame: pd.DataFrame, as_of: datetime.date, lo: int, hi: int) -> int:
    """Make the scores of accounts lo..hi as of `as_of` exactly the rows of `frame` (a
    component frame); returns their number."""
    rows = score_values(frame, as_of=as_of)
    if connection.vendor == "postgresql":
        copy_replace(rows, as_of=as_of, lo=lo, hi=hi)
    else:
        bulk_replace(rows, as_of=as_of, lo=lo, hi=hi)
    return len(rows)
