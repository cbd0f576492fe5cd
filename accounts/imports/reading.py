"""Reading an uploaded CSV or .xlsx file into a table of strings, one per cell.

Japanese Excel saves CSV as Shift_JIS (Windows code page 932) unless told otherwise, and as
UTF-8 with a byte-order mark when "CSV UTF-8" is chosen; both are read, and so is plain UTF-8.
Every cell is kept as text here: types are checked column by column afterwards, so that a bad
cell becomes an error message on its row instead of an exception for the whole file.
"""

import csv
import datetime
import io
import unicodedata
from pathlib import PurePath
from typing import IO

import pandas as pd
from openpyxl import load_workbook

from .errors import FIRST_DATA_ROW, ErrorList

# Tried in order. UTF-8 is strict enough that Shift_JIS text almost never decodes as UTF-8,
# so the first that decodes without error is the right one. CP932 is Microsoft's Shift_JIS
# (it adds ①, 髙 and the other characters Excel users type).
CSV_ENCODINGS = ("utf-8-sig", "cp932")
# A million rows (≈ 35 MB of usage CSV: a day of usage for a million subscriptions, or a month
# for 33,000) is the most one import carries; larger is a data migration, better split.
# Measured in `make bench` (docs/benchmarks.md): a 1M-row usage file reads, checks and writes
# in one worker process within its memory and time limits.
MAX_ROWS = 1_000_000


class UnreadableFile(Exception):
    """The file is not CSV or .xlsx, or not text in an encoding we read."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def is_excel(file_name: str) -> bool:
    return PurePath(file_name).suffix.lower() == ".xlsx"


def count_rows(file: IO[bytes], file_name: str) -> int:
    """A quick estimate of the data rows, to choose between importing now and in the background."""
    file.seek(0)
    try:
        if is_excel(file_name):
            workbook = load_workbook(file, read_only=True)
            try:
                # From the sheet's stored dimension; None when the writer left it out.
                rows = workbook.worksheets[0].max_row
            finally:
                workbook.close()
            return max((rows or MAX_ROWS) - 1, 0)
        return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
    except Exception:  # an unreadable file is reported by the import itself, not here
        return 0
    finally:
        file.seek(0)


def normalise_header(cell: str) -> str:
    # Full-width letters and stray spaces are common in hand-made headers.
    return unicodedata.normalize("NFKC", cell).strip().lower()


def read_table(file: IO[bytes], file_name: str) -> pd.DataFrame:
    """The file's data rows as strings, columns named by the header row.

    The column `_row` holds each row's number as the spreadsheet shows it (header = 1);
    rows with no value at all are dropped.
    """
    file.seek(0)
    rows = _excel_rows(file) if is_excel(file_name) else _csv_rows(file.read())
    if not rows:
        raise UnreadableFile("empty")
    header = [normalise_header(cell) for cell in rows[0]]
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise UnreadableFile("too_many_rows", max=f"{MAX_ROWS:,}")
    width = len(header)
    # Pad short rows and cut cells beyond the header (Excel leaves trailing empty cells).
    body = [(list(row) + [""] * width)[:width] for row in body]
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    frame.columns = header
    frame = frame.apply(lambda column: column.str.strip()) if len(frame) else frame
    frame["_row"] = range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    cells = frame.drop(columns="_row")
    frame = frame.loc[(cells != "").any(axis=1)] if width else frame.iloc[0:0]
    if frame.empty:
        raise UnreadableFile("empty")
    return frame.reset_index(drop=True)


def check_header(frame: pd.DataFrame, *, known: list[str], required: list[str]) -> ErrorList:
    errors = ErrorList()
    seen: set[str] = set()
    for column in frame.columns:
        if column == "_row" or column == "":
            continue
        if column in seen:
            errors.add("repeated_column", row=1, column=column)
        elif column not in known:
            errors.add("unknown_column", row=1, column=column)
        seen.add(column)
    for column in required:
        if column not in seen:
            errors.add("missing_column", row=1, column=column)
    return errors


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("encoding")
    if "\x00" in text:
        raise UnreadableFile("unreadable")  # a binary file (an old .xls) that happened to decode
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise UnreadableFile("unreadable") from error


def _excel_rows(file: IO[bytes]) -> list[list[str]]:
    try:
        # read_only streams the sheet instead of building every cell object: a 100k-row sheet
        # stays at tens of MB instead of GB.
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises a dozen kinds for a file that is not .xlsx
        raise UnreadableFile("unreadable") from error
    try:
        sheet = workbook.worksheets[0]
        return [[_excel_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _excel_cell(value) -> str:
    """A cell as the text a person would have typed for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores every number as a float: 13.0 is "13"
    return str(value)
