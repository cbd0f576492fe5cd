from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.urls import reverse

from tests.users.factories import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client, email, password, ip="10.0.0.1"):
    return client.post(
        reverse("users:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def lock_out(client, email, ip="10.0.0.1"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, email, "wrong", ip)


def test_too_many_failures_lock_that_username_from_that_address(client, rep):
    lock_out(client, rep.email)

    response = attempt(client, rep.email, PASSWORD)

    assert response.status_code == 429
    assert "15" in response.content.decode()  # the cool-off, in minutes
    assert "_auth_user_id" not in client.session


def test_changing_the_case_of_the_email_does_not_reset_the_counter(client, rep):
    lock_out(client, rep.email)

    response = attempt(client, rep.email.upper(), PASSWORD)

    assert response.status_code == 429


def test_a_colleague_behind_the_same_address_can_still_log_in(client, rep, manager):
    lock_out(client, rep.email)

    response = attempt(client, manager.email, PASSWORD)

    assert response.status_code == 302


def test_the_same_user_from_another_address_can_still_log_in(client, rep):
    lock_out(client, rep.email, ip="10.0.0.1")

    response = attempt(client, rep.email, PASSWORD, ip="10.0.0.2")

    assert response.status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, rep):
    lock_out(client, rep.email)
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    response = attempt(client, rep.email, PASSWORD)

    assert response.status_code == 302
