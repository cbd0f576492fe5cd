"""The demo (`make run`) shows a whitespace grid and a manager home with something in them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from crm.tasks import nightly_run
from crm.users.models import User
from opportunities.models import OfferCard

pytestmark = pytest.mark.django_db


def test_the_demo_night_fills_every_state_of_the_grid_and_the_managers_home(client):
    call_command("seed_demo", "--accounts", "150", stdout=StringIO())
    answered = OfferCard.objects.exclude(status=OfferCard.Status.OPEN).count()
    call_command("seed_demo", "--accounts", "150", stdout=StringIO())  # a second run adds none
    assert OfferCard.objects.exclude(status=OfferCard.Status.OPEN).count() == answered > 0
    nightly_run.apply()  # in this process, whatever the broker
    client.force_login(User.objects.get(email="manager1@example.com"))

    grid = client.get(reverse("opportunities:whitespace:totals")).context["totals"]
    home = client.get(reverse("home_manager")).context["home"]

    totals = {state: sum(t[state] for t in grid.columns) for state in grid.columns[0]}
    assert all(totals[state] for state in ("owned", "offered", "declined", "held")), totals
    assert home.offer_totals["accepted"] and home.offer_totals["dismissed"]
    assert home.pipeline_by_rep and home.campaigns and home.at_risk
