from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.analytics.reports import REPORTS
from crm.users.models import Role

# The top navigation for each role, home first: a page is (label, URL name); a menu is
# (label, [pages]). Menus keep the bar on one line with every app's pages in it.
PIPELINE_MENU = (
    _("Pipeline"),
    [
        (_("Board"), "opportunities:board"),
        (_("Opportunities"), "opportunities:list"),
        (_("Follow-ups"), "opportunities:follow_ups"),
        (_("Forecast"), "opportunities:forecast"),
        # Until the reports area has its own menu, the whitespace grid sits with the pipeline.
        (_("Whitespace"), "opportunities:whitespace:grid"),
    ],
)
# One page per report (crm/analytics/reports.py); other analysis pages join the list here.
REPORTS_MENU = (
    _("Reports"),
    [(report.title, report.url_name) for report in REPORTS],
)
WORK_PAGES = [
    (_("Accounts"), "accounts:list"),
    PIPELINE_MENU,
    (_("QBRs"), "opportunities:qbr:list"),
    REPORTS_MENU,
    # Every role imports something: reps and CS their accounts' contacts, usage and NPS
    # answers (accounts/imports/specs.py says which kinds each role may import).
    (_("Imports"), "imports:index"),
]
CAMPAIGNS_MENU = (
    _("Campaigns"),
    [
        (_("Campaigns"), "campaigns:list"),
        (_("Offer feedback"), "opportunities:offers:report"),
    ],
)
NAVIGATION: dict[str, list] = {
    Role.REP: [
        (_("Dashboard"), "home_rep"),
        *WORK_PAGES,
        (_("My targets"), "campaigns:my_targets"),
    ],
    Role.MANAGER: [(_("Team"), "home_manager"), *WORK_PAGES, CAMPAIGNS_MENU],
    Role.CUSTOMER_SUCCESS: [(_("Customer success"), "home_cs"), *WORK_PAGES],
    Role.ADMIN: [(_("Administration"), "home_admin"), *WORK_PAGES, CAMPAIGNS_MENU],
}


def nav_item(label, target, current: str | None) -> dict:
    if isinstance(target, list):
        children = [nav_item(child_label, name, current) for child_label, name in target]
        return {
            "label": label,
            "children": children,
            "active": any(child["active"] for child in children),
        }
    return {"label": label, "url": reverse(target), "active": current == target}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    role = Role.ADMIN if user.is_admin else user.role
    current = request.resolver_match.view_name if request.resolver_match else None
    return {"nav_items": [nav_item(label, target, current) for label, target in NAVIGATION[role]]}
