from django.urls import path

from . import views

app_name = "qbr"

urlpatterns = [
    path("", views.qbr_list, name="list"),
    path("new/", views.qbr_create, name="create"),
    path("<int:pk>/", views.qbr_detail, name="detail"),
    path("<int:pk>/edit/", views.qbr_edit, name="edit"),
    path("<int:pk>/prepare/", views.qbr_prepare, name="prepare"),
    path("<int:pk>/agenda/", views.qbr_agenda_edit, name="agenda"),
    path("<int:pk>/goals/", views.qbr_goal_add, name="goal_add"),
    path("<int:pk>/goals/<int:goal_pk>/remove/", views.qbr_goal_remove, name="goal_remove"),
    path("<int:pk>/actions/", views.qbr_action_add, name="action_add"),
    path("<int:pk>/record/", views.qbr_hold, name="hold"),
    path("<int:pk>/deck.pptx", views.qbr_deck, name="deck"),
    path("<int:pk>/print/", views.qbr_print, name="print"),
    path("<int:pk>/charts/<slug:name>.png", views.qbr_chart, name="chart"),
]
