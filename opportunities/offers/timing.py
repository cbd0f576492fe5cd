"""When to raise an offer: a natural moment beats a cold push (002, 003).

The moment is data ({"code", "date"} or {"code", "month", "date"}); texts.py words it.
Order of preference: the rule's own moment (trial end, renewal), a QBR on the calendar
within the window, the fiscal closing month when it is near, else none.
"""

import datetime

import pandas as pd

from ..models import QBRMeeting
from .sources import OfferWindow


def upcoming_qbrs(window: OfferWindow, *, days: int) -> pd.Series:
    """Each account's next QBR not yet held within `days` days (offers belong in the QBR,
    not in a cold call of their own: seed 003)."""
    run_date = window.run_date
    rows = (
        QBRMeeting.objects.filter(
            window.accounts(),
            scheduled_on__gte=run_date,
            scheduled_on__lte=run_date + datetime.timedelta(days=days),
        )
        .exclude(status=QBRMeeting.Status.HELD)
        .order_by("account_id", "scheduled_on")
        .values_list("account_id", "scheduled_on")
    )
    frame = pd.DataFrame(list(rows), columns=["account_id", "scheduled_on"])
    return frame.drop_duplicates("account_id").set_index("account_id")["scheduled_on"]


def next_closing(month: int | None, run_date: datetime.date, months_ahead: int):
    """The first day of the account's next fiscal closing month, if within `months_ahead`."""
    if month is None or pd.isna(month):
        return None
    ahead = (int(month) - run_date.month) % 12
    if ahead > months_ahead:
        return None
    year = run_date.year + (run_date.month + ahead - 1) // 12
    return datetime.date(year, int(month), 1)


def moments(
    offers: pd.DataFrame, *, qbrs: pd.Series, run_date: datetime.date, months_ahead: int
) -> list[dict]:
    """The suggested moment of each candidate row, in order. The QBR and the closing month
    are looked up a whole column at a time (a Series.get per card took 1.5 s of 76,000)."""
    qbr_days = offers["account_id"].map(qbrs).tolist()
    closing_months = offers["fiscal_closing_month"].tolist()
    closings = {
        month: next_closing(month, run_date, months_ahead)
        for month in set(closing_months)
        if month is not None and not pd.isna(month)
    }
    chosen = []
    for moment, qbr, month in zip(offers["moment"].tolist(), qbr_days, closing_months, strict=True):
        if isinstance(moment, dict):
            chosen.append(moment)
        elif isinstance(qbr, datetime.date):
            chosen.append({"code": "qbr", "date": qbr.isoformat()})
        elif (closing := closings.get(month)) is not None:
            chosen.append(
                {"code": "fiscal_closing", "month": closing.month, "date": closing.isoformat()}
            )
        else:
            chosen.append({})
    return chosen
