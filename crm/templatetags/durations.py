import datetime

from django import template

register = template.Library()


@register.filter
def minutes(value: datetime.timedelta | None) -> int:
    """Whole minutes in a timedelta, rounded up: '15' for a fifteen-minute cool-off."""
    if value is None:
        return 0
    return -(-int(value.total_seconds()) // 60)
