import datetime

from crm.analytics.scope import ReportScope

TODAY = datetime.date(2026, 11, 24)


def everything(admin_user) -> ReportScope:
    return ReportScope(user=admin_user)


def rows_by_label(table) -> dict:
    return {row["label"]: row for row in table.rows}


def page_table(response, slug: str):
    return next(table for table in response.context["tables"] if table.slug == slug)
