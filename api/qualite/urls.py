from rest_framework.routers import SimpleRouter

from api.qualite import views

structure_router = SimpleRouter()
structure_router.register("membres-comite", views.MembreComiteViewSet, basename="q-membres")
structure_router.register("reunions-comite", views.ReunionComiteViewSet, basename="q-reunions")
structure_router.register("documents-qualite", views.DocumentQualiteViewSet, basename="q-documents")
structure_router.register(
    "evaluations-pratiques", views.EvaluationPratiqueViewSet, basename="q-evaluations"
)

network_urlpatterns: list = []
structure_urlpatterns: list = [*structure_router.urls]
