from django.urls import path, re_path

from . import views
from .reports import REPORTS

app_name = "analytics"

urlpatterns = [
    path("", views.report_index, name="index"),
    *(
        path(f"{report.slug}/", views.report_page, {"slug": report.slug}, name=report.slug)
        for report in REPORTS
    ),
    re_path(
        r"^(?P<slug>[a-z]+)/(?P<table>[a-z-]+)\.(?P<fmt>csv|xlsx)$",
        views.report_export,
        name="export",
    ),
]
