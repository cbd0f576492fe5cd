from rest_framework.routers import SimpleRouter

from . import qbr, views

router = SimpleRouter()
router.register("opportunities", views.OpportunityViewSet, basename="opportunity")
router.register("hearings", views.HearingViewSet, basename="hearing")
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("offer-cards", views.OfferCardViewSet, basename="offer-card")
router.register("qbrs", qbr.QBRViewSet, basename="qbr")

urlpatterns = router.urls
