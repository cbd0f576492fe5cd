from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.users.models import Role

# The top navigation for each role: (label, URL name). Apps add their pages here as they land.
ACCOUNTS_NAVIGATION = [(_("Accounts"), "accounts:list"), (_("NPS"), "accounts:nps")]
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    Role.REP: [(_("Dashboard"), "home_rep"), *ACCOUNTS_NAVIGATION],
    Role.MANAGER: [(_("Team"), "home_manager"), *ACCOUNTS_NAVIGATION],
    Role.CUSTOMER_SUCCESS: [(_("Customer success"), "home_cs"), *ACCOUNTS_NAVIGATION],
    Role.ADMIN: [(_("Administration"), "home_admin"), *ACCOUNTS_NAVIGATION],
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
