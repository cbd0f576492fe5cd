import pytest
from django.core.management import call_command

from crm.users.models import Role, Team, User

pytestmark = pytest.mark.django_db


def snapshot():
    users = list(User.objects.order_by("email").values())
    teams = list(Team.objects.order_by("name").values())
    return users, teams


def test_seed_demo_creates_the_demo_organisation():
    call_command("seed_demo", "--seed", "7")

    counts = {role: User.objects.filter(role=role).count() for role in Role}
    assert counts == {Role.ADMIN: 1, Role.MANAGER: 2, Role.REP: 8, Role.CUSTOMER_SUCCESS: 3}
    assert Team.objects.count() == 2
    assert set(Team.objects.values_list("manager__role", flat=True)) == {Role.MANAGER}
    assert not User.objects.filter(role__in=[Role.REP, Role.CUSTOMER_SUCCESS], team=None).exists()
    assert User.objects.get(email="rep1@example.com").get_full_name() == "高橋 翔太"


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", "--seed", "7")
    first = snapshot()

    call_command("seed_demo", "--seed", "7")

    assert snapshot() == first
