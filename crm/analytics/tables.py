"""How a report's figures are shown: tables with typed columns, the chart drawn beside a
table, and the same columns for the CSV and Excel downloads of every table.

A report computes plain rows (dicts); a Table gives them a caption, labelled and typed
columns, an optional chart (static/js/charts.js reads `chart_data` through json_script)
and the flag of groups too small to trust. The page, the chart and the downloads all read
the same rows, so what is shown is what is downloaded.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.exports import Column as ExportColumn

# What a column holds, which decides how a cell is written on the page (see
# templatetags/analytics.py); downloads keep the raw numbers.
TEXT = "text"
COUNT = "count"  # whole numbers: 1,234
YEN = "yen"  # ¥1,234
PERCENT = "percent"  # 12.3%
NUMBER = "number"  # 12.3
DELTA = "delta"  # +12.3 / −4.0


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazily translated string
    kind: str = COUNT


def _exported(column: Column):
    """A cell as downloaded: yen to the yen, rates to one decimal, the rest as computed."""
    digits = {YEN: 0, PERCENT: 1, NUMBER: 1, DELTA: 1}.get(column.kind)

    def value(row: dict):
        cell = row.get(column.key)
        if cell is None or digits is None:
            return cell
        return round(cell) if digits == 0 else round(cell, digits)

    return value


@dataclass(frozen=True)
class Series:
    key: str
    label: Any


@dataclass(frozen=True)
class Chart:
    """A Chart.js chart of some columns of a table's rows (one dataset per series)."""

    type: str  # "bar" or "line"
    series: list[Series]
    label: Any  # what the chart shows, for screen readers (the table beside it has the data)
    label_key: str = "label"
    horizontal: bool = False
    stacked: bool = False
    yen: bool = False
    minimum: float | None = None
    maximum: float | None = None


@dataclass
class Table:
    slug: str  # unique within its report: the download's name and the chart's element id
    caption: Any
    columns: list[Column]
    rows: list[dict]
    chart: Chart | None = None
    # The rows the chart draws when not all of them (e.g. the largest groups only).
    chart_rows: list[dict] | None = None
    flags_small: bool = False  # rows carry "small": too few accounts to trust the figure
    note: Any = ""
    extra: dict = field(default_factory=dict)  # what a report's own template needs

    @property
    def chart_id(self) -> str:
        return f"chart-{self.slug}"

    @property
    def chart_size(self) -> str:
        """The chart box's CSS class: horizontal bars need room for each category's label."""
        rows = len(self.rows if self.chart_rows is None else self.chart_rows)
        if not self.chart.horizontal or rows <= 8:
            return "chart-box"
        return "chart-box chart-box-md" if rows <= 16 else "chart-box chart-box-tall"

    def chart_data(self) -> dict:
        chart = self.chart
        rows = self.rows if self.chart_rows is None else self.chart_rows
        return {
            "labels": [str(row[chart.label_key]) for row in rows],
            "datasets": [
                {"label": str(series.label), "data": [row[series.key] for row in rows]}
                for series in chart.series
            ],
        }

    def export_columns(self) -> list[ExportColumn]:
        columns: list[ExportColumn] = [(column.label, _exported(column)) for column in self.columns]
        if self.flags_small:
            columns.append((_("Small group"), lambda row: _("Yes") if row.get("small") else ""))
        return columns
