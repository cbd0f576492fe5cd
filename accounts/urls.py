from django.urls import path, re_path

from . import views

app_name = "accounts"

# Rows of an account (contacts, subscriptions, activities, NPS answers) share two views.
ROWS = [
    ("contacts", "contact", views.CONTACTS),
    ("subscriptions", "subscription", views.SUBSCRIPTIONS),
    ("activities", "activity", views.ACTIVITIES),
    ("nps", "nps", views.NPS_ANSWERS),
]

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.account_export, name="export"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_update, name="update"),
]
for prefix, name, rows in ROWS:
    urlpatterns += [
        path(f"<int:pk>/{prefix}/new/", views.row_create, {"rows": rows}, name=f"{name}_create"),
        path(
            f"<int:pk>/{prefix}/<int:row_pk>/edit/",
            views.row_update,
            {"rows": rows},
            name=f"{name}_update",
        ),
    ]
