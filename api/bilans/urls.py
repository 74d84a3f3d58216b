from django.urls import include, path
from rest_framework.routers import SimpleRouter

from accompagnement.registres.registry import REGISTRES
from api.bilans import views

structure_router = SimpleRouter()
for slug in REGISTRES:
    structure_router.register(
        f"registres/{slug}", views.register_viewset(slug), basename=f"registre-{slug}"
    )
structure_router.register("bilans", views.BilanStructureViewSet, basename="bilan-structure")

network_router = SimpleRouter()
network_router.register("campagnes", views.CampagneViewSet, basename="campagne")
network_router.register(
    "bilans-territoire", views.BilanTerritoireViewSet, basename="bilan-territoire"
)

network_urlpatterns = [
    path("", include(network_router.urls)),
    path("consolidation/", views.ConsolidationView.as_view(), name="consolidation"),
    path(
        "consolidation/export/",
        views.ConsolidationExportView.as_view(),
        name="consolidation-export",
    ),
]
structure_urlpatterns = [path("", include(structure_router.urls))]
