from django.urls import path
from rest_framework.routers import SimpleRouter

from api.accompagnement import programme, views

network_router = SimpleRouter()
network_router.register(
    "types-livrables", views.TypeLivrableViewSet, basename="acc-types-livrables"
)
network_router.register(
    "revue-livrables", views.RevueLivrableViewSet, basename="acc-revue-livrables"
)
network_router.register(
    "actions-collectives", views.ActionCollectiveViewSet, basename="acc-actions-collectives"
)
network_router.register("reunions", views.ReunionViewSet, basename="acc-reunions")

structure_router = SimpleRouter()
structure_router.register("livrables", views.LivrableViewSet, basename="acc-livrables")
structure_router.register(
    "livrable-versions", views.LivrableVersionViewSet, basename="acc-livrable-versions"
)
structure_router.register("actions", views.ActionViewSet, basename="acc-actions")

network_urlpatterns: list = [*network_router.urls]
structure_urlpatterns: list = [
    *structure_router.urls,
    path("politique-qualite/", programme.PolitiqueView.as_view(), name="politique-qualite"),
]
