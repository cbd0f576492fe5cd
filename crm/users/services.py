from .models import User


def user_set_language(*, user: User, language: str) -> None:
    """Remember the user's choice of language for their next visit, on any device."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
