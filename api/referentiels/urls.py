from rest_framework.routers import SimpleRouter

from api.referentiels.views import ReferentielViewSet

router = SimpleRouter()
router.register("referentiels", ReferentielViewSet, basename="referentiels")

network_urlpatterns: list = router.urls
structure_urlpatterns: list = []
