from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class UserLanguageMiddleware:
    """Activates the user's preferred language; before login, the language cookie or Japanese.

    Replaces LocaleMiddleware on purpose: a Japanese sales office runs browsers in every
    locale, so the browser's Accept-Language header is not a choice the user made.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response

    def language_for(self, request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language in self.supported:
            return user.preferred_language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        return cookie if cookie in self.supported else settings.LANGUAGE_CODE
