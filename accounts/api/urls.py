from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("accounts", views.AccountViewSet, basename="account")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("products", views.ProductViewSet, basename="product")
router.register("subscriptions", views.SubscriptionViewSet, basename="subscription")
router.register("usage", views.UsageRecordViewSet, basename="usage-record")
router.register("orders", views.OrderViewSet, basename="order")
router.register("nps-answers", views.NPSResponseViewSet, basename="nps-answer")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("loyalty-scores", views.LoyaltyScoreViewSet, basename="loyalty-score")

urlpatterns = router.urls
