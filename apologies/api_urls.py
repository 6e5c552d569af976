"""The overdue lists and apology letters under ``/api/v1/`` (included by ``portal/urls.py``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from apologies.api import LetterViewSet, WatchListView

router = SimpleRouter()
router.register("letters", LetterViewSet, basename="letter")

urlpatterns = [
    path("watch/<str:kind>/", WatchListView.as_view(), name="api-watch"),
    *router.urls,
]
