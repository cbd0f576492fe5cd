"""Months, quarters and years as the reports count them: calendar periods of dates."""

import datetime

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
MONTHS_IN = {MONTH: 1, QUARTER: 3, YEAR: 12}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(day: datetime.date) -> datetime.date:
    return add_months(day, 1) - datetime.timedelta(days=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from `first`'s to `last`'s, both included."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def period_start(day: datetime.date, period: str) -> datetime.date:
    """The first day of the month, quarter or year that `day` falls in."""
    size = MONTHS_IN[period]
    return datetime.date(day.year, (day.month - 1) // size * size + 1, 1)


def period_label(start: datetime.date, period: str) -> str:
    if period == YEAR:
        return f"{start.year}"
    if period == QUARTER:
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m}"


def as_date(value) -> datetime.date:
    """A truncated month as a date (a backend may hand back a datetime)."""
    return value.date() if isinstance(value, datetime.datetime) else value
