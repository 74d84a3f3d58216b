"""The API's one exception handler: every error is ``{"errors": [{code, message, field}]}``."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import BusinessError


def _flatten(detail, field=None) -> list[dict]:
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
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
