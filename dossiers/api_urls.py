from django.urls import path
from rest_framework.routers import SimpleRouter

from dossiers.api import DossierViewSet, TrackView

router = SimpleRouter()
router.register("dossiers", DossierViewSet, basename="dossier")

urlpatterns = [
    path("track/<str:code>/", TrackView.as_view(), name="api-track"),
    *router.urls,
]
