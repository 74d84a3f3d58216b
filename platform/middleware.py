"""Platform middleware: health check ahead of tenant routing, Sentry tagging."""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType, SimpleNamespace

from django.conf import settings
from django.db import connection
from django.urls import include, re_path, set_urlconf
from django.utils import translation
from django_tenants.middleware.subfolder import TenantSubfolderMiddleware
from django_tenants.urlresolvers import get_subfolder_urlconf
from django_tenants.utils import (
    get_public_schema_name,
    get_subfolder_prefix,
    get_tenant_domain_model,
    get_tenant_model,
)

from platform import health
from platform.sentry import tag_schema


class HealthCheckMiddleware:
    """Answer ``/healthz`` before any tenant lookup, so it works when the database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in ("/healthz", "/healthz/"):
            return health.healthz_response()
        return self.get_response(request)


class SentryScopeMiddleware:
    """Tag errors with the structure's schema (never the user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tag_schema(getattr(connection, "schema_name", "public"))
        return self.get_response(request)


class LanguageMiddleware:
    """French for everyone unless the person chose another language (the language cookie
    set by Django's ``set_language`` view). The browser's Accept-Language is not used: the
    platform is French first, English is an explicit choice."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


@lru_cache(maxsize=2048)
def structure_urlconf(subfolder: str):
    """The URLConf of one structure's subfolder, built once per process.

    django-tenants builds a new URLConf module and clears every URL cache on each request,
    so Django re-compiles all URL patterns every time (~80 ms a page). One module object per
    structure keeps Django's resolver cache valid: each structure has its own resolver, so no
    prefix can leak from one structure to another.
    """
    return get_subfolder_urlconf(SimpleNamespace(domain_subfolder=subfolder))


def phantom_urlconf():
    """One URLConf for every structure that does not exist: the structures' URL patterns
    under ``/s/<any slug>/`` (a non-capturing prefix, so one resolver serves every slug and
    nothing grows with the slugs asked for)."""
    return _phantom_urlconf(get_subfolder_prefix(), settings.ROOT_URLCONF)


@lru_cache(maxsize=1)
def _phantom_urlconf(prefix: str, structure_urlconf_name: str):
    module = ModuleType("phantom_structure_urlconf")
    module.urlpatterns = [  # type: ignore[attr-defined]
        re_path(rf"^{prefix}/[^/]+/", include(structure_urlconf_name))
    ]
    return module


class StructureRoutingMiddleware(TenantSubfolderMiddleware):
    """django-tenants' subfolder routing (``/s/<slug>/``) with cached URLConfs.

    A slug that names no structure (or a deleted one) is not answered here: the request
    goes on with a *phantom* structure (``is_phantom``, public schema, the same URL
    patterns), which ``tenants.middleware.StructureAccessMiddleware`` and
    ``api.permissions.StructureAccess`` refuse exactly like a structure the person may not
    see (login redirect or 401 when signed out, 404 when signed in): the answer never
    tells whether a structure exists.
    """

    def route_phantom(self, request, subfolder: str) -> None:
        tenant = get_tenant_model()(slug=subfolder, nom="", schema_name=get_public_schema_name())
        tenant.is_phantom = True
        tenant.domain_subfolder = subfolder
        tenant.domain_url = self.hostname_from_request(request)
        request.tenant = tenant
        urlconf = phantom_urlconf()
        request.urlconf = urlconf
        set_urlconf(urlconf)

    def get_tenant(self, domain_model, hostname):
        """The structure with its territory (shown on its pages): one query."""
        return (
            domain_model.objects.select_related("tenant", "tenant__territoire")
            .get(domain=hostname)
            .tenant
        )

    def process_request(self, request):
        if hasattr(request, "tenant"):
            return
        connection.set_schema_to_public()
        prefix = f"/{get_subfolder_prefix()}/"
        urlconf = None
        if not request.path.startswith(prefix):
            # The network's pages run in the public schema: its row is not read (two queries
            # a request, SET search_path included), an unsaved stand-in names the schema.
            tenant = get_tenant_model()(schema_name=get_public_schema_name(), slug="", nom="")
            self.setup_url_routing(request, force_public=True)
        else:
            subfolder = request.path[len(prefix) :].split("/")[0]
            domain_model = get_tenant_domain_model()
            try:
                tenant = self.get_tenant(domain_model=domain_model, hostname=subfolder)
            except domain_model.DoesNotExist:
                tenant = None
            if tenant is None or tenant.deleted_at is not None:
                return self.route_phantom(request, subfolder)
            tenant.domain_subfolder = subfolder
            urlconf = structure_urlconf(subfolder)
        tenant.domain_url = self.hostname_from_request(request)
        request.tenant = tenant
        connection.set_tenant(request.tenant)
        if urlconf is not None:
            request.urlconf = urlconf
            set_urlconf(urlconf)


class SecurityHeadersMiddleware:
    """Permissions-Policy, Referrer-Policy and nosniff on every response, including the
    health check and the answers given before Django's SecurityMiddleware runs (unknown
    structure). The Content-Security-Policy is django-csp's (``CONTENT_SECURITY_POLICY``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
