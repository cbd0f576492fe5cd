from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/rep/", views.home_rep, name="home_rep"),
    path("home/manager/", views.home_manager, name="home_manager"),
    path("home/cs/", views.home_cs, name="home_cs"),
    path("home/at-risk/", views.at_risk_list, name="at_risk"),
    re_path(
        r"^home/at-risk/export\.(?P<fmt>csv|xlsx)$", views.at_risk_export, name="at_risk_export"
    ),
    path("home/admin/", views.home_admin, name="home_admin"),
    path("users/", include("crm.users.urls")),
    path("accounts/imports/", include("accounts.imports.urls")),
    # The NPS page moved to the reports; old links and bookmarks still arrive there.
    path(
        "accounts/nps/",
        RedirectView.as_view(pattern_name="analytics:nps", query_string=True, permanent=True),
        name="nps_moved",
    ),
    path("opportunities/", include("opportunities.urls")),
    path("accounts/", include("accounts.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("reports/", include("crm.analytics.urls")),
    path("api/v1/", include(("crm.api_urls", "api"))),
    path("admin/", admin.site.urls),
]
