import json
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _


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


class RefuseNulMiddleware:
    """Refuses a request that carries a NUL character anywhere a view could read it: the path,
    the query string, form fields and file names, a JSON body, cookies and headers.

    No text of the portal contains NUL, and PostgreSQL cannot store or even compare one
    (psycopg refuses such a string), so it can only be a probe or a broken client: it gets a
    400 before any view, session or database lookup sees it — the portal's 400 page, or for
    the API (``/api/``) a JSON body with ``detail``, in the visitor's language. A form the
    framework cannot parse at all gets the same answer.
    """

    API_PREFIX = "/api/"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = self.carries_nul(request)
        except (MultiPartParserError, UnicodeDecodeError):
            refused = True
        if refused:
            return self.bad_request(request)
        return self.get_response(request)

    @classmethod
    def carries_nul(cls, request: HttpRequest) -> bool:
        if "\x00" in request.path or "\x00" in request.META.get("QUERY_STRING", ""):
            return True
        headers = (value for key, value in request.META.items() if key.startswith("HTTP_"))
        if any("\x00" in str(value) for value in headers):
            return True
        # A quoted cookie may spell NUL as an octal escape ("\\000"): read the parsed values.
        if _has_nul((name, [value]) for name, value in request.COOKIES.items()):
            return True
        if _has_nul(request.GET.lists()):
            return True
        if request.method not in ("POST", "PUT", "PATCH"):
            return False
        content_type = request.content_type or ""
        if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            if _has_nul(request.POST.lists()):
                return True
            # File names: Django's parser already drops non-printable characters.
            return any("\x00" in key for key in request.FILES)
        if "json" in content_type and b"\\u0000" in request.body:
            try:
                return _json_has_nul(json.loads(request.body))
            except ValueError:
                return False  # not JSON at all: the API's parser explains that
        return False

    @classmethod
    def bad_request(cls, request: HttpRequest) -> HttpResponse:
        with translation.override(PortalLocaleMiddleware.chosen_language(request)):
            if request.path.startswith(cls.API_PREFIX):
                return JsonResponse({"detail": str(NUL_REFUSED)}, status=400)
            return HttpResponseBadRequest(loader.render_to_string("400.html"))


NUL_REFUSED = _(
    "Yêu cầu chứa ký tự không hợp lệ (ký tự NUL) nên không được xử lý. "
    "Hãy kiểm tra lại địa chỉ hoặc nội dung đã nhập."
)


def _has_nul(lists: Iterable[tuple[str, list[str]]]) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in lists)


def _json_has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_json_has_nul(k) or _json_has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(v) for v in value)
    return False
