"""The public status page: anyone with a dossier's code sees its state (docs/design.md §1, §13).

Codes are sequential, so the code alone shows no more than the state. The rest — procedure,
agency, the applicant's masked name, dates — needs the dossier's lookup secret, printed on
the receipt (form 01, also in its QR code), in the citizen's e-mails and on their dossier
page. Never an ID number, address, phone, e-mail or file, for anyone. Every lookup, page or
API, counts against the client address's rate (REST_FRAMEWORK's ``public_lookup``).
"""

import math
import secrets

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.lockout import client_ip_address
from dossiers import selectors
from dossiers.forms import TrackForm
from dossiers.models import Dossier, State
from dossiers.selectors import normalise_code

# ?k=… on the page (and in the receipt's QR code); ?secret=… in the API.
SECRET_PARAMETER = "k"  # noqa: S105 - the name of a query parameter


class PublicLookupThrottle(SimpleRateThrottle):
    """Lookups per client address, the real one behind our proxies (accounts.lockout)."""

    scope = "public_lookup"

    def get_rate(self) -> str | None:
        # Read at each request, not at import: settings may change (tests, the benchmark).
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return str(rate) if rate else None

    def get_cache_key(self, request: HttpRequest, view: object) -> str:  # type: ignore[override]
        return self.cache_format % {"scope": self.scope, "ident": client_ip_address(request)}


def clean_secret(typed: str | None) -> str:
    return "".join((typed or "").split()).upper()[:12]


def secret_matches(code: str, typed: str) -> bool:
    """The typed secret against the dossier's, in constant time."""
    stored = (
        Dossier.objects.filter(code=normalise_code(code))
        .exclude(state=State.DRAFT)
        .values_list("lookup_secret", flat=True)
        .first()
    )
    expected = (stored or "-" * len(typed)).encode()
    return secrets.compare_digest(expected, typed.encode()) and stored is not None


def _too_many(request: HttpRequest, throttle: PublicLookupThrottle) -> HttpResponse:
    wait = max(1, math.ceil(throttle.wait() or 1))
    response = render(request, "dossiers/public/too_many.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


@require_GET
def track_search(request: HttpRequest) -> HttpResponse:
    """``/tra-cuu/?ma=…&k=…``: the lookup form, which leads to the dossier's status page."""
    form = TrackForm(request.GET or None)
    if form.is_valid():
        url = reverse("dossiers:track", kwargs={"code": form.cleaned_data["ma"]})
        secret = clean_secret(request.GET.get(SECRET_PARAMETER))
        if secret:
            url += "?" + urlencode({SECRET_PARAMETER: secret})
        return redirect(url)
    context = {"form": form, "status": None, "secret_parameter": SECRET_PARAMETER}
    return render(request, "dossiers/public/track.html", context)


@require_GET
def track(request: HttpRequest, code: str) -> HttpResponse:
    throttle = PublicLookupThrottle()
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]
        return _too_many(request, throttle)
    status = selectors.public_status(code)
    secret = clean_secret(request.GET.get(SECRET_PARAMETER))
    details = bool(status and secret and secret_matches(code, secret))
    context = {
        "form": TrackForm(initial={"ma": code}),
        "status": status,
        "code": code,
        "details": details,
        "secret_given": bool(secret),
        "secret": secret if details else "",
        "secret_parameter": SECRET_PARAMETER,
    }
    return render(request, "dossiers/public/track.html", context, status=200 if status else 404)
