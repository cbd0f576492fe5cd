"""Demo people: an administrator, two managers with a team each, eight reps and three CS."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from crm.users.models import Role, Team, User

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  printed by `make run`; demo databases only


@dataclass(frozen=True)
class DemoPerson:
    email: str
    last_name: str
    first_name: str
    role: Role
    team: str | None = None


TEAMS = {"東京営業部": "manager1@example.com", "大阪営業部": "manager2@example.com"}

PEOPLE = [
    DemoPerson("admin@example.com", "管理", "太郎", Role.ADMIN),
    DemoPerson("manager1@example.com", "佐藤", "健一", Role.MANAGER),
    DemoPerson("manager2@example.com", "鈴木", "美咲", Role.MANAGER),
    DemoPerson("rep1@example.com", "高橋", "翔太", Role.REP, "東京営業部"),
    DemoPerson("rep2@example.com", "田中", "陽菜", Role.REP, "東京営業部"),
    DemoPerson("rep3@example.com", "伊藤", "大輔", Role.REP, "東京営業部"),
    DemoPerson("rep4@example.com", "渡辺", "さくら", Role.REP, "東京営業部"),
    DemoPerson("rep5@example.com", "山本", "拓也", Role.REP, "大阪営業部"),
    DemoPerson("rep6@example.com", "中村", "結衣", Role.REP, "大阪営業部"),
    DemoPerson("rep7@example.com", "小林", "誠", Role.REP, "大阪営業部"),
    DemoPerson("rep8@example.com", "加藤", "真由", Role.REP, "大阪営業部"),
    DemoPerson("cs1@example.com", "吉田", "恵", Role.CUSTOMER_SUCCESS, "東京営業部"),
    DemoPerson("cs2@example.com", "山田", "直樹", Role.CUSTOMER_SUCCESS, "大阪営業部"),
    DemoPerson("cs3@example.com", "松本", "彩", Role.CUSTOMER_SUCCESS, "東京営業部"),
]


def seed_users() -> dict[str, User]:
    """Create the demo people and teams; a second run finds them and changes nothing."""
    users: dict[str, User] = {}
    password = None  # hashed once for everyone: each hash takes most of a second on purpose
    for person in PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            password = password or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                email=person.email,
                password=password,
                last_name=person.last_name,
                first_name=person.first_name,
                role=person.role,
                is_staff=person.role == Role.ADMIN,
                is_superuser=person.role == Role.ADMIN,
            )
        users[person.email] = user
    teams = {}
    for name, manager_email in TEAMS.items():
        teams[name], _created = Team.objects.get_or_create(
            name=name, defaults={"manager": users[manager_email]}
        )
    for person in PEOPLE:
        user = users[person.email]
        team = teams.get(person.team)
        if person.team and user.team_id is None:
            user.team = team
            user.save(update_fields=["team"])
    return users
