"""Structure pages answer 404 to anyone without a role in the structure."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404

from tenants import access
from tenants.accounts import SECOND_FACTOR_SESSION_KEY


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
        # A slug naming no structure (or a deleted one) is routed as a phantom structure
        # (platform.middleware): refused exactly like a structure one may not see.
        phantom = getattr(tenant, "is_phantom", False) or (
            tenant is not None and tenant.deleted_at is not None
        )
        if tenant is not None and (phantom or connection.schema_name != "public"):
            prefix = f"/{settings.TENANT_SUBFOLDER_PREFIX}/{tenant.slug}"
            is_api = request.path[len(prefix) :].startswith(self.api_marker)
            if not is_api:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
                if phantom or not access.can_view_structure(request.user, tenant):
                    raise Http404
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Send federation admins and experts who must use a second factor
    (``access.must_use_two_factor``) to the verification page, or to the setup page when
    they have no authenticator yet; anyone who enrolled a second factor of their own accord
    (marked in the session at sign-in) to the verification page. API calls get a 403 JSON
    error instead; token authentication (API clients) is not concerned (no session)."""

    EXEMPT_NAMES = ("otp-setup", "otp-verify", "logout", "login", "set_language", "privacy-notice")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        enrolled = bool(request.session.get(SECOND_FACTOR_SESSION_KEY))
        if not enrolled and not access.must_use_two_factor(user):
            return self.get_response(request)
        if user.is_verified():
            return self.get_response(request)
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django_otp import user_has_device

        from core.routing import network_url

        exempt = {network_url(name) for name in self.EXEMPT_NAMES}
        if request.path in exempt or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if self._is_api(request.path):
            return JsonResponse(
                {
                    "errors": [
                        {
                            "code": "otp_required",
                            "message": "Double authentification requise.",
                            "field": None,
                        }
                    ]
                },
                status=403,
            )
        target = "otp-verify" if user_has_device(user) else "otp-setup"
        return redirect(f"{network_url(target)}?next={request.get_full_path()}")

    @staticmethod
    def _is_api(path: str) -> bool:
        return "/api/" in path
