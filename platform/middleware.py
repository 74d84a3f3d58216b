"""Platform middleware: health check ahead of tenant routing, Sentry tagging."""

from __future__ import annotations

from django.db import connection

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
