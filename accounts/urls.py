from django.urls import path, re_path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.account_export, name="export"),
    path("nps/", views.nps_report, name="nps"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_update, name="update"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_update, name="contact_update"),
    path("<int:pk>/subscriptions/new/", views.subscription_create, name="subscription_create"),
    path(
        "<int:pk>/subscriptions/<int:subscription_pk>/edit/",
        views.subscription_update,
        name="subscription_update",
    ),
    path("<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path(
        "<int:pk>/activities/<int:activity_pk>/edit/",
        views.activity_update,
        name="activity_update",
    ),
    path("<int:pk>/nps/new/", views.nps_response_create, name="nps_create"),
    path("<int:pk>/nps/<int:answer_pk>/edit/", views.nps_response_update, name="nps_update"),
]
