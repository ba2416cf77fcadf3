"""The OpenAPI schema: every operation documents the one error format for the errors it can answer."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

ERRORS_OF_EVERY_OPERATION = ("400", "401", "403", "404", "429")
ERRORS_OF_WRITES = ("409",)


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable, machine-readable code such as `not_found` or `invalid`.")
    message = serializers.CharField(help_text="A sentence for people.")
    details = serializers.JSONField(help_text="Per-field messages for `invalid`, `retry_after` for `throttled`.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ERRORS_OF_EVERY_OPERATION + (ERRORS_OF_WRITES if self.method not in ("GET", "HEAD") else ())
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, media_types=["application/json"], direction=direction
                )
        return responses
