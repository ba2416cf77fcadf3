"""Alerts API: the signed-in user's own notifications (mark one or all read) and alert preferences.

These are the user's own settings, not registry records: every signed-in role may change them
(auditors too, who opt in to alerts), but a read-scope token may not. Nobody sees another user's
notifications: another user's notification answers 404.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from compliance.alerts import (
    alert_preference_list,
    alert_preference_set,
    notification_list,
    notification_mark_read,
    notifications_mark_all_read,
)
from compliance.filtersets import NotificationFilterSet
from compliance.models import AlertKind, AlertPreference, Notification
from core.api.csv_export import CsvRenderer, csv_response
from core.api.permissions import READ_ONLY_TOKEN
from core.api.views import ApiReadViewSet, ApiViewMixin


class OwnSettingsPermission(BasePermission):
    """Any active signed-in user changes their own notifications and preferences, through a token that may write."""

    message = READ_ONLY_TOKEN

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return request.auth is None or getattr(request.auth, "can_write", True)


OWN_SETTINGS_PERMISSIONS = [IsAuthenticated, OwnSettingsPermission]


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="alert.kind", read_only=True)
    title = serializers.CharField(source="alert.title", read_only=True)
    message = serializers.CharField(source="alert.message", read_only=True)
    action = serializers.CharField(source="alert.action", read_only=True)
    due_on = serializers.DateField(source="alert.due_on", read_only=True, allow_null=True)
    agency = serializers.IntegerField(source="alert.agency_id", read_only=True, allow_null=True)
    object_type = serializers.CharField(source="alert.object_type", read_only=True)
    object_id = serializers.CharField(source="alert.object_id", read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "message",
            "action",
            "due_on",
            "agency",
            "object_type",
            "object_id",
            "is_read",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many unread notifications were marked read.")


class AlertPreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AlertKind.choices, read_only=True)
    label = serializers.CharField(read_only=True)
    enabled = serializers.BooleanField()
    is_default = serializers.BooleanField(read_only=True)


class AlertPreferenceInputSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()


class NotificationViewSet(ApiReadViewSet):
    """Your notifications, newest first (`?unread=true` for the unread ones)."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    permission_classes = OWN_SETTINGS_PERMISSIONS
    ordering_fields = ["created_at", "read_at"]

    def get_queryset(self):
        return notification_list(user=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one of your notifications read (again is harmless)."""
        notification = notification_mark_read(user=request.user, notification_id=self.get_object().pk)
        return Response(NotificationSerializer(self.get_queryset().get(pk=notification.pk)).data)

    @extend_schema(request=None, responses=MarkedReadSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read_all")
    def read_all(self, request):
        """Mark every unread notification of yours read."""
        return Response({"marked_read": notifications_mark_all_read(user=request.user)})


class AlertPreferenceViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Which kinds of alert you receive (in the portal and by e-mail); each kind has a default."""

    serializer_class = AlertPreferenceSerializer
    permission_classes = OWN_SETTINGS_PERMISSIONS
    queryset = AlertPreference.objects.none()  # the rows come from alert_preference_list
    lookup_field = "kind"
    lookup_value_regex = "[a-z_]{1,30}"

    def _rows(self) -> list[dict]:
        return AlertPreferenceSerializer(alert_preference_list(user=self.request.user), many=True).data

    def list(self, request):
        """Every alert kind with your choice (or its default)."""
        rows = self._rows()
        if isinstance(request.accepted_renderer, CsvRenderer):
            return csv_response(rows, name="alert-preferences", header=list(AlertPreferenceSerializer().fields))
        return self.get_paginated_response(self.paginate_queryset(rows))

    @extend_schema(
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=AlertKind.values)]
    )
    def retrieve(self, request, kind=None):
        return Response(self._row(kind))

    @extend_schema(
        request=AlertPreferenceInputSerializer,
        responses=AlertPreferenceSerializer,
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=AlertKind.values)],
    )
    def update(self, request, kind=None):
        """Turn one kind of alert on or off for yourself."""
        self._row(kind)
        data = AlertPreferenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert_preference_set(user=request.user, kind=kind, enabled=data.validated_data["enabled"])
        return Response(self._row(kind))

    def _row(self, kind: str) -> dict:
        row = next((row for row in self._rows() if row["kind"] == kind), None)
        if row is None:
            raise Http404
        return row
