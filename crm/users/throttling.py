from django.http import HttpRequest


def login_throttle_username(request: HttpRequest, credentials: dict | None) -> str:
    """The email a login attempt names, lower-cased: `Rep@x` and `rep@x` share one counter."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()
