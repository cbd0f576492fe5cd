from django.urls import path, re_path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("mine/", views.my_targets, name="my_targets"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_update, name="update"),
    path("<int:pk>/segment/", views.segment_preview, name="segment_preview"),
    path("<int:pk>/freeze/", views.campaign_freeze, name="freeze"),
    path("<int:pk>/assign/", views.campaign_assign, name="assign"),
    path("<int:pk>/close/", views.campaign_close, name="close"),
    path("<int:pk>/results/", views.campaign_results, name="results"),
    re_path(r"^(?P<pk>\d+)/export\.(?P<fmt>csv|xlsx)$", views.campaign_export, name="export"),
    path("targets/<int:pk>/reassign/", views.target_reassign, name="target_reassign"),
    path("targets/<int:pk>/move/", views.target_move, name="target_move"),
]
