from django.urls import path
from rest_framework.routers import SimpleRouter

from api.diagnostics import concordance
from api.diagnostics.views import AutodiagnosticViewSet

router = SimpleRouter()
router.register("autodiagnostics", AutodiagnosticViewSet, basename="autodiagnostic")

network_urlpatterns: list = []
structure_urlpatterns: list = [
    *router.urls,
    path(
        "autodiagnostics/<int:pk>/concordance/",
        concordance.AutodiagnosticConcordanceView.as_view(),
        name="autodiagnostic-concordance",
    ),
]
