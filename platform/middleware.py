"""Platform middleware: health check ahead of tenant routing, Sentry tagging."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils import translation

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
