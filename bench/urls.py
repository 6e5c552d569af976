"""The portal's URLs plus the bare reference of P3 (served only by the benchmark)."""

from django.urls import path

from bench.bare import bare_track
from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/bare-track/<str:code>/", bare_track, name="bench-bare-track"),
    *portal_urlpatterns,
]
