"""The home page and each role's home: the project layer that composes the apps."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.exports import table_download
from crm.users.decorators import role_required
from crm.users.models import Role
from opportunities import selectors as pipeline
from opportunities.offers import selectors as offers
from opportunities.qbr import selectors as qbr

from . import exports, selectors

HOME_FOR_ROLE = {
    Role.REP: "home_rep",
    Role.MANAGER: "home_manager",
    Role.CUSTOMER_SUCCESS: "home_cs",
    Role.ADMIN: "home_admin",
}


@login_required
def home(request):
    """Send each user to their role's home."""
    role = Role.ADMIN if request.user.is_admin else request.user.role
    return redirect(HOME_FOR_ROLE[role])


@role_required(Role.REP)
def home_rep(request):
    return render(
        request,
        "crm/home_rep.html",
        {
            "team": request.user.team,
            "follow_ups": pipeline.follow_up_lists(user=request.user, today=timezone.localdate()),
            "pipeline": pipeline.pipeline_summary(user=request.user),
            "offer_page": offers.offer_cards_for_rep(user=request.user),
        },
    )


@role_required(Role.MANAGER)
def home_manager(request):
    home = selectors.manager_home(user=request.user, today=timezone.localdate())
    return render(
        request,
        "crm/home_manager.html",
        {"home": home, "teams": home.teams, "charts": home.chart_data()},
    )


@role_required(Role.CUSTOMER_SUCCESS)
def home_cs(request):
    today = timezone.localdate()
    return render(
        request,
        "crm/home_cs.html",
        {
            "team": request.user.team,
            "qbr": qbr.cs_home(user=request.user, today=today),
            "at_risk": selectors.at_risk_page(user=request.user, cs_owned=True, today=today),
        },
    )


@role_required(Role.MANAGER, Role.CUSTOMER_SUCCESS)
@require_GET
def at_risk_list(request):
    """Every at-risk account of the user's home (a CS user's own, a manager's teams'), most
    urgent first, a page at a time."""
    at_risk = selectors.at_risk_page(
        user=request.user,
        cs_owned=selectors.at_risk_cs_owned(user=request.user),
        today=timezone.localdate(),
        number=request.GET.get("page"),
        per_page=selectors.AT_RISK_PER_PAGE,
    )
    return render(request, "crm/at_risk.html", {"at_risk": at_risk})


@role_required(Role.MANAGER, Role.CUSTOMER_SUCCESS)
@require_GET
def at_risk_export(request, fmt: str):
    """The whole list as a file, read afresh (not from the day's cached ranking)."""
    today = timezone.localdate()
    return table_download(
        columns=exports.AT_RISK_COLUMNS,
        rows=selectors.at_risk_export_rows(
            user=request.user, cs_owned=selectors.at_risk_cs_owned(user=request.user), today=today
        ),
        fmt=fmt,
        filename=f"at-risk-{today:%Y%m%d}",
        title=str(_("Accounts at risk")),
    )


@role_required(Role.ADMIN)
def home_admin(request):
    return render(
        request,
        "crm/home_admin.html",
        {
            "role_counts": selectors.user_counts_by_role(),
            "teams": selectors.teams_led_by(user=request.user),
            "nightly_runs": selectors.nightly_runs_recent(),
        },
    )
