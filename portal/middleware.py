from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ContentSecurityPolicyMiddleware:
    """Adds the project's Content-Security-Policy header (no inline script, no foreign host)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/docs/"):
            # Swagger UI (served from our own static files) needs inline styles.
            response.headers.setdefault(
                "Content-Security-Policy",
                settings.CONTENT_SECURITY_POLICY.replace(
                    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
                ).replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
            )
        else:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class PortalLocaleMiddleware:
    """The state portal opens in Vietnamese, whatever language the browser asks for.

    Django's LocaleMiddleware follows Accept-Language, so a visitor whose browser is set to
    English would get the English portal without asking for it; a public service of the
    Vietnamese state speaks the state language first. English is still one click away: the language
    switch posts to /i18n/setlang/, which stores the choice in the language cookie (kept for
    LANGUAGE_COOKIE_AGE), and this middleware honours only that cookie. No language prefix in
    the URLs (no i18n_patterns), so the path never decides either.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # The page depends on the cookie (Vary: Cookie comes with the session), not on the
        # browser's Accept-Language.
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    @staticmethod
    def chosen_language(request: HttpRequest) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            try:
                return translation.get_supported_language_variant(chosen)
            except LookupError:
                pass
        return settings.LANGUAGE_CODE


class NoStoreMiddleware:
    """Pages with personal data are kept by no cache, shared or the browser's: every answer
    to a signed-in person (pages and API), and the account pages (login, registration,
    reset links) for everyone."""

    ACCOUNT_PREFIX = "/tai-khoan/"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = (
            (user is not None and user.is_authenticated)
            or request.path.startswith(self.ACCOUNT_PREFIX)
            or "HTTP_AUTHORIZATION" in request.META
        )
        if personal and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
        return response
