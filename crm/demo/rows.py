"""Writing many generated rows into one table in one statement.

PostgreSQL gets COPY (psycopg 3 `cursor.copy`), by far its fastest way in; other databases
get one `executemany` INSERT. Either way it is one statement per table however many rows,
which keeps the seed's query count flat as the number of accounts grows. Used for the rows
nothing points back to (usage, activities, NPS answers, order lines); the rows other rows
point to go through `bulk_create`, which hands back their primary keys.
"""

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any

from django.db import connections, router
from django.db.models import Model


def rows_insert(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
) -> None:
    """Insert `rows` (values in `fields` order) into `model`'s table.

    Values go to the database as given, so dates are ISO strings and numbers plain numbers,
    which every backend reads the same way. `constants` are the same on every row (a
    timestamp, say); each is prepared once through its model field.
    """
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    constants = constants or {}
    fixed = tuple(
        opts.get_field(name).get_db_prep_save(value, connection)
        for name, value in constants.items()
    )
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(name).column) for name in chain(fields, constants))
    table = quote(opts.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *fixed))
        else:
            placeholders = ", ".join(["%s"] * (len(fields) + len(fixed)))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608  names come from the model's meta, values are parameters
                ((*row, *fixed) for row in rows),
            )
