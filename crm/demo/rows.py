"""Writing many generated rows into one table in one statement.

PostgreSQL gets COPY (psycopg 3 `cursor.copy`), by far its fastest way in; other databases
get one `executemany` INSERT. Either way it is one statement per table however many rows,
which keeps the seed's query count flat as the number of accounts grows (`bulk_create`
would not: on SQLite Django splits it into batches of 999 parameters, about 60 rows).
Rows that others point to get their keys afterwards from one query by external id.
"""

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model


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


def instances_insert(objs: Sequence[Model]) -> tuple[list[str], list[list[Any]]]:
    """Insert unsaved instances of one model in one statement; their keys stay unset.

    Values are prepared the way `save()` prepares them (auto_now timestamps included), and
    a foreign key to a parent that was unsaved when assigned takes the key the parent has
    now, as `save()` does too. Returns the columns' field names and the rows as written.
    """
    if not objs:
        return [], []
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if field is not model._meta.auto_field]
    names = [field.attname for field in fields]
    rows = [
        [field.get_db_prep_save(_value(field, obj), connection) for field in fields] for obj in objs
    ]
    rows_insert(model, names, rows)
    return names, rows


def _value(field: Field, obj: Model) -> Any:
    if field.is_relation and getattr(obj, field.attname) is None:
        parent = field.get_cached_value(obj, None)
        if parent is not None:
            setattr(obj, field.attname, parent.pk)
    return field.pre_save(obj, add=True)
