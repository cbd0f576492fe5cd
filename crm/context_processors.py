from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.users.models import Role

# The top navigation for each role: (label, URL name), home first.
WORK_PAGES = [
    (_("Accounts"), "accounts:list"),
    (_("Pipeline"), "opportunities:board"),
    (_("Opportunities"), "opportunities:list"),
    (_("Follow-ups"), "opportunities:follow_ups"),
    (_("Forecast"), "opportunities:forecast"),
    (_("QBRs"), "opportunities:qbr:list"),
    (_("NPS"), "accounts:nps"),
    # Every role imports something: reps and CS their accounts' contacts, usage and NPS
    # answers (accounts/imports/specs.py says which kinds each role may import).
    (_("Imports"), "imports:index"),
]
CAMPAIGNS = (_("Campaigns"), "campaigns:list")
MY_TARGETS = (_("My targets"), "campaigns:my_targets")
OFFER_FEEDBACK = (_("Offer feedback"), "opportunities:offers:report")
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    Role.REP: [(_("Dashboard"), "home_rep"), *WORK_PAGES, MY_TARGETS],
    Role.MANAGER: [(_("Team"), "home_manager"), *WORK_PAGES, CAMPAIGNS, OFFER_FEEDBACK],
    Role.CUSTOMER_SUCCESS: [(_("Customer success"), "home_cs"), *WORK_PAGES],
    Role.ADMIN: [(_("Administration"), "home_admin"), *WORK_PAGES, CAMPAIGNS, OFFER_FEEDBACK],
}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    role = Role.ADMIN if user.is_admin else user.role
    items = [
        {
            "label": label,
            "url": reverse(name),
            "active": request.resolver_match is not None
            and request.resolver_match.view_name == name,
        }
        for label, name in NAVIGATION.get(role, [])
    ]
    return {"nav_items": items}
