from django import template

from ..tables import COUNT, DELTA, NUMBER, PERCENT, YEN

register = template.Library()


def written(value, kind: str) -> str:
    """A figure as the page writes it by its kind; "—" where nothing is known, and negative
    numbers with a true minus sign (−¥50,000, −16.7)."""
    if value is None:
        return "—"
    if kind == COUNT:
        text = f"{round(value):,}"
    elif kind == YEN:
        text = f"¥{round(value):,}".replace("¥-", "-¥")
    elif kind == PERCENT:
        text = f"{value:.1f}%"
    elif kind == NUMBER:
        text = f"{value:,.1f}"
    elif kind == DELTA:
        text = f"{value:+.1f}"
    else:
        return str(value)
    return text.replace("-", "−")


@register.filter
def cell(row: dict, column) -> str:
    return written(row.get(column.key), column.kind)


@register.filter
def figure(value, kind: str) -> str:
    """{{ value|figure:"yen" }}: a headline figure written like a table cell."""
    return written(value, kind)


@register.filter
def is_numeric(column) -> bool:
    return column.kind in (COUNT, YEN, PERCENT, NUMBER, DELTA)
