import pytest

from crm.users.models import Role
from tests.users.factories import UserFactory

from .factories import CampaignFactory


@pytest.fixture
def reps_a(team_a, rep):
    """Team A's three reps (the shared `rep` first)."""
    return [rep, *(UserFactory(role=Role.REP, team=team_a) for _ in range(2))]


@pytest.fixture
def campaign(team_a, manager):
    return CampaignFactory(owner=manager, teams=[team_a])


@pytest.fixture
def active_campaign(team_a, manager):
    from django.utils import timezone

    return CampaignFactory(owner=manager, teams=[team_a], status="active", frozen_at=timezone.now())
