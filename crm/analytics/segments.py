"""The segments the reports break figures down by: industry, size band, growth stage and
prefecture (001: revenue per customer depends on who the customer is), in SQL and in words.

Reports group their aggregate queries by all four at once (a few thousand combinations at
most, whatever the number of accounts) and pandas adds those up into each segment's totals:
every account falls in exactly one combination, so per-combination counts of accounts add
up exactly.
"""

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.choices import SIZE_BAND_FLOORS, GrowthStage, Industry, Prefecture, SizeBand
from accounts.models import Account
from crm.users.models import Team, User

NOT_SET = _("Not set")


@dataclass(frozen=True)
class Dimension:
    key: str  # the column of the grouped rows
    label: Any
    choices: list[tuple[str, Any]]
    ordinal: bool  # sizes and stages read in their own order; industries by the figure

    def label_of(self, code) -> str:
        return str(dict(self.choices).get(code, NOT_SET))

    def order_of(self, code) -> int:
        codes = [value for value, _label in self.choices]
        return codes.index(code) if code in codes else len(codes)


INDUSTRY = Dimension("industry", _("Industry"), Industry.choices, ordinal=False)
SIZE = Dimension("size", _("Size"), SizeBand.choices, ordinal=True)
STAGE = Dimension("stage", _("Growth stage"), GrowthStage.choices, ordinal=True)
REGION = Dimension("region", _("Prefecture"), Prefecture.choices, ordinal=False)
DIMENSIONS = [INDUSTRY, SIZE, STAGE, REGION]
KEYS = [dimension.key for dimension in DIMENSIONS]


def per_segment(
    per_account: QuerySet, *, measures: list[str], keys: tuple[str, ...] = (), team: bool = False
) -> pd.DataFrame:
    """The rows of `per_account` (an aggregate grouped by "account_id" and `keys`, one row per
    account and key) counted ("accounts") and their `measures` summed per combination of the
    account's segments, `keys` and, with `team`, the owner rep's team name. One statement:
    the inner aggregate per account id and the outer one per segment are both hash
    aggregates. Counting distinct accounts per segment in one level instead needs a sort of
    every row by text keys: measured 1.4–2.3 s at 100,000 accounts against 0.3 s this way.
    """
    inner, params = per_account.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = _segment_columns()
    joins = ""
    if team:
        columns["team"] = f"tm.{_column(Team, 'name')}"
        joins = (
            f" LEFT JOIN {quote(User._meta.db_table)} u"
            f" ON u.{_column(User, 'id')} = a.{_column(Account, 'owner')}"
            f" LEFT JOIN {quote(Team._meta.db_table)} tm"
            f" ON tm.{_column(Team, 'id')} = u.{_column(User, 'team')}"
        )
    columns |= {key: f"t.{quote(key)}" for key in keys}
    sums = "".join(f", SUM(t.{quote(name)})" for name in measures)
    # Only names from the models and quoted identifiers go into the text; values are params.
    sql = (
        f"SELECT {', '.join(columns.values())}, COUNT(*){sums}"  # noqa: S608
        f" FROM {quote(Account._meta.db_table)} a"
        f" INNER JOIN ({inner}) t ON t.{quote('account_id')} = a.{_column(Account, 'id')}{joins}"
        f" GROUP BY {', '.join(str(n) for n in range(1, len(columns) + 1))}"
    )
    return _segment_frame(sql, params, keys=list(columns), measures=["accounts", *measures])


def accounts_per_segment(
    accounts: QuerySet[Account], *, parts: dict[str, tuple[QuerySet, list[str]]]
) -> pd.DataFrame:
    """The `accounts` counted ("accounts") per combination of their segments and, for each
    part (name: a per-account aggregate grouped by "account_id", its measures), the accounts
    it has a row for counted under the part's name and its measures summed. One statement:
    the accounts are read and grouped once for all the parts (each part counted alone read
    and grouped them again: revenue's three statements at 100,000 accounts, see
    docs/benchmarks.md)."""
    quote = connection.ops.quote_name
    fields = ["id", "industry", "employee_count", "growth_stage", "region"]
    outer, params = accounts.order_by().values(*fields).query.sql_with_params()
    params = list(params)
    joins, sums, measures = "", "", ["accounts"]
    for n, (name, (per_account, part_measures)) in enumerate(parts.items()):
        inner, inner_params = per_account.query.sql_with_params()
        params += inner_params
        joins += f" LEFT JOIN ({inner}) p{n} ON p{n}.{quote('account_id')} = a.{quote('id')}"
        sums += f", COUNT(p{n}.{quote('account_id')})"
        sums += "".join(f", SUM(p{n}.{quote(measure)})" for measure in part_measures)
        measures += [name, *part_measures]
    columns = _segment_columns(names=True)
    # Only names from the models and quoted identifiers go into the text; values are params.
    sql = (
        f"SELECT {', '.join(columns.values())}, COUNT(*){sums}"  # noqa: S608
        f" FROM ({outer}) a{joins}"
        f" GROUP BY {', '.join(str(n) for n in range(1, len(columns) + 1))}"
    )
    return _segment_frame(sql, params, keys=list(columns), measures=measures)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _segment_columns(*, names: bool = False) -> dict[str, str]:
    """The four segments of an account `a` in SQL: of its table's columns, or with `names`,
    of a subquery's values() (named after the fields)."""
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(name) if names else _column(Account, name)

    size = " ".join(
        f"WHEN a.{column('employee_count')} >= {int(floor)} THEN '{band.value}'"
        for band, floor in SIZE_BAND_FLOORS
    )
    return {
        "industry": f"a.{column('industry')}",
        "size": f"CASE {size} ELSE '' END",
        "stage": f"a.{column('growth_stage')}",
        "region": f"a.{column('region')}",
    }


def _segment_frame(sql: str, params, *, keys: list[str], measures: list[str]) -> pd.DataFrame:
    """The rows of `sql` (`keys` then `measures`) as a frame: "" for an unknown key, 0 where
    SQL summed nothing."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=[*keys, *measures])
    frame[keys] = frame[keys].fillna("")
    frame[measures] = frame[measures].fillna(0).astype("int64")
    return frame


def by_figure(rows: list[dict], figure: str) -> list[dict]:
    """Groups by `figure`, highest first (unknown last), then by name."""
    return sorted(rows, key=lambda row: (row[figure] is None, -(row[figure] or 0), row["label"]))


def in_reading_order(rows: list[dict], dimension: Dimension, figure: str) -> list[dict]:
    """Groups as a reader compares them: sizes and stages in their own order (smallest,
    earliest first), industries, prefectures and teams by `figure`."""
    if dimension.ordinal:
        return sorted(rows, key=lambda row: dimension.order_of(row["code"]))
    return by_figure(rows, figure)


def totals_by(frame: pd.DataFrame, key: str, measures: list[str]) -> pd.DataFrame:
    """Sum `measures` per value of `key`."""
    return frame.groupby(key, dropna=False)[measures].sum()
