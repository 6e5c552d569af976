"""The portal's URLs plus one view that fails, for the 500 page test (tests/test_error_pages.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault on the portal's side")


urlpatterns = [path("hong/", broken), *portal_urlpatterns]
