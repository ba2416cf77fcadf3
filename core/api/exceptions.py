"""One error format for the whole API: `{"error": {"code", "message", "details"}}`.

`api_exception_handler` is DRF's EXCEPTION_HANDLER; it also turns the services' refusals
(ServiceError and its kinds) and Django's ValidationError into that format. `not_found` and
`server_error` are the project's handler404/handler500: JSON under /api/, HTML elsewhere.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import PermissionRefused, ServiceError, TransitionRefused

INVALID = "The request is not valid; see details."
API_PREFIX = "/api/"


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details if details is not None else {}}}


def _service_error_response(exc: ServiceError) -> Response:
    if exc.code == "not_found":
        return Response(error_body("not_found", "Not found."), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionRefused):
        http_status = status.HTTP_403_FORBIDDEN
    elif isinstance(exc, TransitionRefused) or exc.code == "conflict":
        http_status = status.HTTP_409_CONFLICT
    else:
        http_status = status.HTTP_400_BAD_REQUEST
    details = {exc.field: [exc.message]} if exc.field else {}
    return Response(error_body(exc.code, exc.message, details), status=http_status)


def _normalise(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    return exc


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ServiceError):
        return _service_error_response(exc)
    exc = _normalise(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's handler500 answers (in JSON under /api/)
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", INVALID, response.data)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = detail.code if hasattr(detail, "code") else getattr(exc, "default_code", "error")
        details = {"retry_after": exc.wait} if isinstance(exc, exceptions.Throttled) and exc.wait else {}
        body = error_body(str(code), str(detail), details)
    response.data = body
    return response


def not_found(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body("server_error", "Something went wrong on our side."), status=500)
    return defaults.server_error(request)
