"""Serializer fields whose OpenAPI description must admit what the model stores."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field({"type": "string", "description": "A URL, or empty."})
class BlankableURLField(serializers.URLField):
    """A URL that may be left empty: OpenAPI's `format: uri` would refuse the empty string."""
