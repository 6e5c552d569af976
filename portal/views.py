"""The portal's own answer when Django's CSRF check refuses a form (CSRF_FAILURE_VIEW)."""

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A 403 in the portal's layout that says, in the visitor's language, why the form was not
    taken and offers the way back: the page the form came from when it is one of ours."""
    referer = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        referer = reverse("home")
    context = {"back_url": referer, "no_cookie": reason == REASON_NO_CSRF_COOKIE}
    # Rendered with the request, so the page has the header, the language switch (with a
    # fresh token, which CsrfViewMiddleware sets in the cookie) and the user's menu.
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", context, request))
