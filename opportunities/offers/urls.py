from django.urls import path

from . import views

app_name = "offers"

urlpatterns = [
    path("more/", views.offer_cards_more, name="more"),
    path("report/", views.offer_feedback_report, name="report"),
    path("<int:pk>/accept/", views.offer_card_accept, name="accept"),
    path("<int:pk>/snooze/", views.offer_card_snooze, name="snooze"),
    path("<int:pk>/dismiss/", views.offer_card_dismiss, name="dismiss"),
]
