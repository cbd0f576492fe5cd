from django.urls import path, re_path

from . import views

app_name = "whitespace"

urlpatterns = [
    path("", views.whitespace_grid, name="grid"),
    path("totals/", views.whitespace_totals, name="totals"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.whitespace_export, name="export"),
]
