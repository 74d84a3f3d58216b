from rest_framework.routers import SimpleRouter

from api.diagnostics.views import AutodiagnosticViewSet

router = SimpleRouter()
router.register("autodiagnostics", AutodiagnosticViewSet, basename="autodiagnostic")

network_urlpatterns: list = []
structure_urlpatterns: list = router.urls
