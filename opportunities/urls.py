from django.urls import include, path

from . import views

app_name = "opportunities"

urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("board/", views.opportunity_board, name="board"),
    path("board/<int:pk>/move/", views.opportunity_board_move, name="board_move"),
    path("forecast/", views.opportunity_forecast, name="forecast"),
    path("new/", views.opportunity_create, name="create"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("<int:pk>/stage/", views.opportunity_stage, name="stage"),
    path("<int:pk>/apply/", views.opportunity_apply, name="apply"),
    path("hearings/new/", views.hearing_create, name="hearing_create"),
    path("hearings/<int:pk>/", views.hearing_detail, name="hearing_detail"),
    path("hearings/<int:pk>/goals/", views.hearing_goal_create, name="hearing_goal_create"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path("offers/", include("opportunities.offers.urls")),
    path("qbr/", include("opportunities.qbr.urls")),
    path("whitespace/", include("opportunities.whitespace.urls")),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
]
