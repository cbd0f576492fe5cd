import pytest
from django.urls import reverse

from crm.users.models import Role
from tests.users.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROLE_HOMES = {
    Role.REP: "/home/rep/",
    Role.MANAGER: "/home/manager/",
    Role.CUSTOMER_SUCCESS: "/home/cs/",
    Role.ADMIN: "/home/admin/",
}


def login(client, email, password=PASSWORD):
    return client.post(reverse("users:login"), {"username": email, "password": password})


def test_login_page_is_japanese_by_default_whatever_the_browser_says(client):
    response = client.get(reverse("users:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert response["Content-Language"] == "ja"
    assert '<html lang="ja">' in response.content.decode()
    assert "ログイン" in response.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_home_after_login(client, role):
    user = UserFactory(role=role)

    response = login(client, user.email.upper())  # email login ignores case

    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 302
    assert home["Location"] == ROLE_HOMES[role]
    assert client.get(home["Location"]).status_code == 200


def test_wrong_password_is_refused_with_a_message_and_no_session(client, rep):
    response = login(client, rep.email, "not-the-password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "正しいメールアドレスとパスワードを入力してください" in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/home/rep/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("users:login"))


@pytest.mark.parametrize(
    ("role", "forbidden"),
    [
        (Role.REP, "/home/manager/"),
        (Role.REP, "/home/admin/"),
        (Role.MANAGER, "/home/rep/"),
        (Role.CUSTOMER_SUCCESS, "/home/admin/"),
    ],
)
def test_another_roles_home_is_forbidden(client, role, forbidden):
    client.force_login(UserFactory(role=role))

    response = client.get(forbidden)

    assert response.status_code == 403
    assert "権限がありません" in response.content.decode()


def test_administrators_may_open_every_home(client, admin_user):
    client.force_login(admin_user)

    assert [client.get(url).status_code for url in ROLE_HOMES.values()] == [200] * 4


def test_logout_ends_the_session(client, rep):
    client.force_login(rep)

    response = client.post(reverse("users:logout"))

    assert response.status_code == 302
    assert client.get("/home/rep/").status_code == 302


def test_password_change_requires_the_old_password(client, rep):
    client.force_login(rep)
    url = reverse("users:password_change")

    refused = client.post(
        url,
        {
            "old_password": "wrong",
            "new_password1": "N3w-passphrase!",
            "new_password2": "N3w-passphrase!",
        },
    )
    changed = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "N3w-passphrase!",
            "new_password2": "N3w-passphrase!",
        },
    )

    assert refused.status_code == 200
    assert changed.status_code == 302
    rep.refresh_from_db()
    assert rep.check_password("N3w-passphrase!")


def test_language_switch_is_remembered_on_the_user(client, rep):
    client.force_login(rep)

    response = client.post(reverse("users:language"), {"language": "en", "next": "/home/rep/"})

    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.preferred_language == "en"
    # A new browser without the cookie still gets the user's language after login.
    client.cookies.clear()
    client.force_login(rep)
    page = client.get("/home/rep/")
    assert page["Content-Language"] == "en"
    assert "Your team" in page.content.decode()


def test_unknown_language_is_ignored(client, rep):
    client.force_login(rep)

    client.post(reverse("users:language"), {"language": "xx", "next": "/"})

    rep.refresh_from_db()
    assert rep.preferred_language == "ja"


def test_emails_are_unique_regardless_of_case(rep):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email=rep.email.upper())
