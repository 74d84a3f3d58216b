"""A structure's URLs, mounted by django-tenants under ``/s/<slug>/``.

Every page here is guarded by ``tenants.middleware.StructureAccessMiddleware``; the API
by ``api.permissions.StructureAccess``.
"""

from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("api.urls_structure")),
    path("autodiagnostics/", include(("accompagnement.diagnostics.urls", "diagnostics"))),
    path("plan/", include(("accompagnement.plans.urls", "plans"))),
    path("livrables/", include(("accompagnement.livrables.urls", "livrables"))),
    path("registres/", include(("accompagnement.registres.urls", "registres"))),
    path("bilans/", include(("accompagnement.bilans.urls", "bilans"))),
    path("qualite/", include(("accompagnement.qualite.urls", "qualite"))),
    path("", include("tenants.urls_structure")),
]
