"""The home page and each role's home: the project layer that composes the apps."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from crm.users.decorators import role_required
from crm.users.models import Role
from opportunities import selectors as pipeline
from opportunities.offers import selectors as offers
from opportunities.qbr import selectors as qbr

from . import selectors

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
    return render(
        request,
        "crm/home_cs.html",
        {
            "team": request.user.team,
            "qbr": qbr.cs_home(user=request.user, today=timezone.localdate()),
        },
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
