"""Structure pages answer 404 to anyone without a role in the structure."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404

from tenants import access


class StructureAccessMiddleware:
    """Guard every page under ``/s/<slug>/`` with ``access.can_view_structure``.

    The structure's API (``/s/<slug>/api/``) authenticates with tokens inside DRF, so it
    is guarded by ``api.permissions.StructureAccess`` instead (default permission).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.api_marker = "/api/"

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and connection.schema_name != "public":
            prefix = f"/{settings.TENANT_SUBFOLDER_PREFIX}/{tenant.slug}"
            is_api = request.path[len(prefix):].startswith(self.api_marker)
            if tenant.deleted_at is not None:
                raise Http404
            if not is_api:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
                if not access.can_view_structure(request.user, tenant):
                    raise Http404
        return self.get_response(request)
