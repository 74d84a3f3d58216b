"""Network-level URLs (public schema). Structure URLs are in ``platform.urls_structure``."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.urls import schema_patterns

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls_network")),
    path("api/schema/", SpectacularAPIView.as_view(patterns=schema_patterns()), name="api-schema"),
    # The "split" view serves its start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("referentiels/", include(("referentiels.urls", "referentiels"))),
    path(
        "autodiagnostics/",
        include(("accompagnement.reporting.urls_queue", "diagnostics-network")),
    ),
    path("groupes/", include(("accompagnement.groupes.urls", "groupes"))),
    path("reporting/", include(("accompagnement.reporting.urls", "reporting"))),
    path("", include("tenants.urls")),
]
