"""The API's one exception handler: every error is ``{"errors": [{code, message, field}]}``."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import BusinessError


def _flatten(detail, field=None) -> list[dict]:
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            name: str | None
            if isinstance(key, int):  # a list's items (DRF keys them by index): field[3]
                name = f"{field}[{key}]" if field else f"[{key}]"
            else:
                name = (
                    None
                    if key in ("non_field_errors", "__all__")
                    else (f"{field}.{key}" if field else key)
                )
            errors += _flatten(value, name)
        return errors
    if isinstance(detail, list):
        errors = []
        for index, item in enumerate(detail):
            if isinstance(item, dict):
                errors += _flatten(item, f"{field}[{index}]" if field else f"[{index}]")
            else:
                errors += _flatten(item, field)
        return errors
    code = getattr(detail, "code", None) or "invalid"
    return [{"code": str(code), "message": str(detail), "field": field}]


def exception_handler(exc, context):
    if isinstance(exc, BusinessError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response({"errors": _flatten(detail)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        response.data = {"errors": _flatten(exc.detail)}
    return response


# --- Errors Django answers before or around DRF (middleware) ---------------------------------

API_PATH = re.compile(r"^/(?:s/[^/]+/)?api/")
# Headers of an error response that depend on the view rather than on the request: dropped
# from 401/403/404 answers, so "not yours" and "does not exist" cannot be told apart by them.
VIEW_HEADERS = ("Allow",)


def is_api_path(path: str) -> bool:
    return bool(API_PATH.match(path))


def canonical_error(status_code: int) -> dict:
    """The one body of an error answered without a more precise message."""
    if status_code == 401:
        code, message = "not_authenticated", exceptions.NotAuthenticated.default_detail
    elif status_code == 403:
        code, message = "permission_denied", exceptions.PermissionDenied.default_detail
    elif status_code == 404:
        code, message = "not_found", exceptions.NotFound.default_detail
    elif status_code == 405:
        code, message = "method_not_allowed", _("Méthode non autorisée.")
    elif status_code == 413:
        code, message = "request_too_large", _("Le corps de la requête est trop volumineux.")
    elif status_code == 429:
        code, message = "throttled", exceptions.Throttled.default_detail
    elif status_code >= 500:
        code, message = "server_error", _("Erreur interne du serveur.")
    else:
        code, message = "bad_request", _("Requête invalide.")
    return {"errors": [{"code": code, "message": str(message), "field": None}]}


def _is_error_body(response) -> bool:
    if response.get("Content-Type", "").split(";")[0].strip() != "application/json":
        return False
    try:
        data = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(data, dict) and isinstance(data.get("errors"), list)


def _too_large(request) -> bool:
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (multipart: over ``MAX_UPLOAD_SIZE``),
    refused before anyone reads it (DRF's parsers read the stream without Django's check)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.content_type == "multipart/form-data":
        limit = max(limit or 0, getattr(settings, "MAX_UPLOAD_SIZE", 0))
    return limit is not None and length > limit


class ApiErrorMiddleware:
    """Under ``/api/`` and ``/s/<slug>/api/``, every error is the API's JSON error format.

    Django answers some requests before DRF or around it — an unknown path, a structure
    that does not exist, an oversized body, a crash (500) — with HTML pages: their bodies
    are replaced by ``{"errors": [{code, message, field}]}`` (same status, headers kept).
    DRF's own error bodies (already JSON) are kept; the browsable API's HTML error pages
    become JSON too. 401/403/404 answers lose the view-dependent ``Allow`` header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_path(request.path):
            return self.get_response(request)
        if _too_large(request):
            return self._json(JsonResponse({}, status=413), canonical_error(413))
        response = self.get_response(request)
        if response.status_code < 400 or getattr(response, "streaming", False):
            return response
        if response.status_code in (401, 403, 404):
            for header in VIEW_HEADERS:
                if header in response:
                    del response[header]
        if _is_error_body(response):
            return response
        data = getattr(response, "data", None)
        if isinstance(data, dict) and isinstance(data.get("errors"), list):
            return self._json(response, data)
        return self._json(response, canonical_error(response.status_code))

    @staticmethod
    def _json(response, payload: dict):
        response.content = json.dumps(payload, ensure_ascii=False).encode()
        response["Content-Type"] = "application/json"
        response["Content-Length"] = str(len(response.content))
        return response
