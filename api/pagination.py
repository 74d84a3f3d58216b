"""Pagination that refuses what it does not understand.

DRF's ``LimitOffsetPagination`` silently falls back to its defaults when ``limit`` or
``offset`` is not a number (``?limit=abc`` gives the first page): a client with a bug
never learns it. Here a ``limit`` or ``offset`` that is not one non-negative integer
(``limit`` ≥ 1) answers 400 in the API's error format; ``limit`` is capped at
``max_limit``. The OpenAPI document declares both as integers with these bounds.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination


class StrictLimitOffsetPagination(LimitOffsetPagination):
    max_limit = 1000

    def get_limit(self, request):
        if self.limit_query_param not in request.query_params:
            return self.default_limit
        return min(self._integer(request, self.limit_query_param, minimum=1), self.max_limit)

    def get_offset(self, request):
        if self.offset_query_param not in request.query_params:
            return 0
        return self._integer(request, self.offset_query_param, minimum=0)

    @staticmethod
    def _integer(request, name: str, *, minimum: int) -> int:
        values = request.query_params.getlist(name)
        try:
            if len(values) != 1 or not values[0].isdigit():
                raise ValueError
            value = int(values[0])
            if value < minimum:
                raise ValueError
        except ValueError:
            raise ValidationError(
                {
                    name: [
                        _("Un entier supérieur ou égal à %(min)s est attendu.") % {"min": minimum}
                    ]
                },
                code="invalid",
            ) from None
        return value

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_limit)
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"]["minimum"] = 0
        return parameters
