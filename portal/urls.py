from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.api import TokenLoginView, TokenLogoutAllView, TokenLogoutView
from portal import health

urlpatterns = [
    # Probes (liveness, readiness): answered by portal.health.HealthProbeMiddleware first.
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path(
        "", RedirectView.as_view(pattern_name="procedures:catalogue", permanent=False), name="home"
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("accounts.urls")),
    path("thu-tuc/", include("procedures.urls")),
    path("", include("dossiers.urls")),
    path("can-bo/qua-han/", include("apologies.urls")),
    path("can-bo/", include("dossiers.urls_staff")),
    # API tokens: issued for credentials (and the second factor), revoked at logout.
    path("api/v1/auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("api/v1/auth/logout/", TokenLogoutView.as_view(), name="api-logout"),
    path("api/v1/auth/logout-all/", TokenLogoutAllView.as_view(), name="api-logout-all"),
    path("api/v1/", include("procedures.api_urls")),
    path("api/v1/", include("dossiers.api_urls")),
    path("api/v1/", include("apologies.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI in a page of ours (lang, landmarks, contrast fixes: it passes axe-core).
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", template_name="api/docs.html"),
        name="api-docs",
    ),
    # The admin's login is the portal's, with its second factor (accounts/views_2fa.py).
    path(
        "quan-tri/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True, permanent=False),
    ),
    path("quan-tri/", admin.site.urls),
]

# No route serves MEDIA_ROOT, in any mode: stored uploads, slips and letters carry personal
# data and leave only through the views that check who may see their dossier
# (tests/dossiers/test_access_matrix.py walks every route with DEBUG on and off).
