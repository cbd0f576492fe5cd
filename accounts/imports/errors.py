"""What can be wrong with an imported file, as codes with ja/en messages.

A job stores codes and parameters, not text: the result page renders them in the reader's
language, and a worker without a request language stores the same thing as a web request.
"""

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.utils.translation import gettext_lazy as _

from accounts.background import NOT_QUEUED

# Rows are numbered as a spreadsheet shows them: the header is row 1.
FIRST_DATA_ROW = 2
# A file with thousands of bad rows needs fixing at the source, not a page listing all of
# them: the job keeps this many and counts the rest.
MAX_STORED_ERRORS = 1_000

# A cell quoted in a message is cut to this length (a bad cell may hold a whole paragraph).
MAX_QUOTED_VALUE = 80

MESSAGES = {
    # the file as a whole
    "unreadable": _("The file could not be read as CSV or Excel (.xlsx)."),
    "encoding": _("The file is neither UTF-8 nor Shift_JIS text."),
    "empty": _("The file has no data rows."),
    "too_many_rows": _("The file has more than %(max)s rows; split it into several files."),
    "missing_column": _("The required column “%(column)s” is missing from the header row."),
    "unknown_column": _("Unknown column “%(column)s”: see the column list on the import page."),
    "repeated_column": _("The column “%(column)s” appears more than once in the header row."),
    "conflict": _(
        "Another import or edit changed the same records at the same time; nothing was saved. "
        "Import the file again."
    ),
    "internal": _("The import failed unexpectedly; nothing was saved. Administrators were told."),
    "not_queued": NOT_QUEUED,
    # one cell
    "required": _("This column is required."),
    "too_long": _("At most %(max)s characters."),
    "integer": _("Enter a whole number."),
    "number": _("Enter a number with at most %(places)s decimal places."),
    "range": _("Enter a number from %(min)s to %(max)s."),
    "min": _("Enter a number of at least %(min)s."),
    "date": _("Enter a date as YYYY-MM-DD or YYYY/MM/DD."),
    "boolean": _("Enter 1 or 0 (TRUE/FALSE, はい/いいえ also work)."),
    "choice": _("Unknown code “%(value)s”: see the codes on the import page."),
    "email": _("Enter a valid email address."),
    "kana": _("Enter the reading in hiragana or katakana."),
    "corporate_number_format": _("A corporate number has exactly 13 digits."),
    "corporate_number_checksum": _("This corporate number's check digit is wrong."),
    # rows against each other
    "duplicate": _("The same key as row %(row)s of this file."),
    "two_primary": _("Row %(row)s already makes another contact of this account primary."),
    "order_mismatch": _(
        "Row %(row)s gives this order another account or order date: the rows of one order "
        "must agree."
    ),
    "renewal_before_start": _("The renewal date is before the start date."),
    # rows against the database and the importing user
    "unknown_account": _("No account you can see has the external id “%(value)s”."),
    "unknown_product": _("No product has the code “%(value)s”."),
    "unknown_subscription": _("No subscription you can see has the external id “%(value)s”."),
    "unknown_contact": _("No contact of this row's account has the external id “%(value)s”."),
    "unknown_user": _("No active user has the email address “%(value)s”."),
    "not_accessible": _(
        "The external id “%(value)s” belongs to a record of an account you cannot see."
    ),
    "cannot_create_account": _(
        "No account has this external id, and only managers and administrators can add accounts."
    ),
    "owner_outside_teams": _(
        "The owner or the CS owner must be a member of a team you lead, or the account would "
        "leave your view."
    ),
}


@dataclass(frozen=True)
class RowError:
    """One problem, where (row and column; None for the whole file) and what."""

    code: str
    row: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "params": self.params}


def error_message(error: dict[str, Any]) -> str:
    """The message of a stored error (RowError.as_json()), in the active language."""
    message = str(MESSAGES[error["code"]])
    return message % _Params(column=error.get("column"), **error.get("params", {}))


class _Params(dict):
    """Message parameters; one a message names but an older job did not store reads "?"."""

    def __missing__(self, key):
        return "?"


class ErrorList:
    """The errors of one file, added one by one or for a whole column mask at once."""

    def __init__(self):
        self._errors: list[RowError] = []

    def __bool__(self) -> bool:
        return bool(self._errors)

    def __len__(self) -> int:
        return len(self._errors)

    def add(self, code: str, *, row=None, column=None, **params) -> None:
        self._errors.append(RowError(code=code, row=row, column=column, params=params))

    def add_rows(
        self,
        frame: pd.DataFrame,
        mask: pd.Series,
        *,
        column: str,
        code: str | pd.Series,
        value_from: str | None = None,
        row_from: str | None = None,
        **params,
    ) -> None:
        """One error on every row of `frame` where `mask` holds.

        `code` is one code for all, or a Series of codes by row; `value_from` puts that
        column's cell in the message as %(value)s; `row_from` puts another row number (the
        first occurrence of a duplicate) in it as %(row)s.
        """
        mask = mask.reindex(frame.index, fill_value=False).astype(bool)
        if not mask.any():
            return
        rows = frame.loc[mask]
        count = len(rows)
        codes = code.loc[rows.index].tolist() if isinstance(code, pd.Series) else [code] * count
        values = rows[value_from].tolist() if value_from else [None] * count
        others = rows[row_from].tolist() if row_from else [None] * count
        for row, code_, value, other in zip(
            rows["_row"].tolist(), codes, values, others, strict=True
        ):
            extra = dict(params)
            if value_from:
                extra["value"] = str(value)[:MAX_QUOTED_VALUE]
            if row_from:
                extra["row"] = int(other)
            self._errors.append(RowError(code=code_, row=int(row), column=column, params=extra))

    def rows_with_errors(self) -> set[int]:
        return {e.row for e in self._errors if e.row is not None}

    def sorted(self) -> list[RowError]:
        return sorted(self._errors, key=lambda e: (e.row or 0, e.column or ""))
