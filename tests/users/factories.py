import factory

from crm.users.models import Role, Team, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    last_name = factory.Iterator(["佐藤", "鈴木", "高橋", "田中"])
    first_name = factory.Iterator(["一郎", "花子", "次郎", "春香"])
    role = Role.REP
    password = factory.django.Password(PASSWORD)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    manager = factory.SubFactory(UserFactory, role=Role.MANAGER)
