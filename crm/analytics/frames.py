"""The rows of a query as a pandas frame, without the ORM's per-row work.

The driver builds the row tuples in C and pandas takes them whole: measured at 272,000
subscriptions (100,000 accounts), 1.1 s against 1.4 s through values_list and 2.1 s
through COPY ... TO STDOUT (psycopg hands COPY data over one row at a time, in Python).
"""

import pandas as pd
from django.db import connection
from django.db.models import QuerySet


def query_frame(queryset: QuerySet, columns: list[str], *, dates: tuple[str, ...] = ()):
    """`queryset` (a values/values_list query selecting `columns`, in order) as a frame;
    the `dates` columns as datetime64 (NaT for NULL)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        frame = pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame
