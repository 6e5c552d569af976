from rest_framework.routers import SimpleRouter

from procedures.api import ProcedureViewSet

router = SimpleRouter()
router.register("procedures", ProcedureViewSet, basename="api-procedure")

urlpatterns = router.urls
