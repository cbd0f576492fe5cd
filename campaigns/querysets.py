"""Who sees which campaign and target.

Managers see the campaigns of the teams they lead (and those they own); administrators see
all. Reps and customer success see no campaign as such, only the targets assigned to them.
"""

from django.db import models
from django.db.models import Q


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CampaignQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self.all()
        if user.is_manager:
            led = Q(teams__manager=user) | Q(owner=user)
            return self.filter(pk__in=self.model.objects.filter(led).values("pk"))
        return self.none()

    def active(self) -> "CampaignQuerySet":
        return self.filter(status=self.model.Status.ACTIVE)


class CampaignTargetQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CampaignTargetQuerySet":
        """Targets of the campaigns `user` sees, and for everyone the targets assigned to them."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self.all()
        from .models import Campaign

        campaigns = Campaign.objects.visible_to(user).values("pk")
        return self.filter(Q(campaign__in=campaigns) | Q(rep=user))
