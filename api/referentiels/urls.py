from django.urls import path
from rest_framework.routers import SimpleRouter

from api.referentiels import concordance
from api.referentiels.views import ReferentielViewSet

router = SimpleRouter()
router.register("referentiels", ReferentielViewSet, basename="referentiels")
router.register(
    "references-externes", concordance.ReferenceExterneViewSet, basename="references-externes"
)

network_urlpatterns: list = [
    *router.urls,
    path(
        "referentiels/<int:pk>/concordance/",
        concordance.VersionConcordanceView.as_view(),
        name="referentiel-concordance",
    ),
    path(
        "referentiels/<int:pk>/criteres/<str:code>/concordance/",
        concordance.CritereConcordanceView.as_view(),
        name="critere-concordance",
    ),
]
structure_urlpatterns: list = []
