"""A user's own notifications (read and unread) and alert preferences."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from compliance.alerts import (
    alert_preference_list,
    alert_preference_set,
    notification_list,
    notification_mark_read,
    notifications_mark_all_read,
)
from compliance.filtersets import NotificationFilterSet
from compliance.forms import AlertPreferencesForm
from compliance.tables import NotificationTable
from core.errors import ServiceError
from core.portal import SignedInMixin
from core.tables import BulkAction, TableListView

MARKED_ALL = "{count} notification(s) marked read."
PREFERENCES_SAVED = "Your alert preferences were saved."


MARK_READ = BulkAction(
    name="mark-read",
    label="Mark read",
    explanation="Each chosen notification is marked read.",
    run=lambda user, notification: notification_mark_read(user=user, notification_id=notification.pk),
)


class NotificationListView(SignedInMixin, TableListView):
    """The user's own notifications; nobody's list holds another user's."""

    template_name = "compliance/notification_list.html"
    table_class = NotificationTable
    filterset_class = NotificationFilterSet
    export_name = "notifications"
    bulk_actions = (MARK_READ,)

    def get_queryset(self):
        return notification_list(user=self.request.user)


class NotificationReadView(SignedInMixin, View):
    """POST: mark one of the user's notifications read; another user's answers 404."""

    def post(self, request, pk):
        try:
            notification_mark_read(user=request.user, notification_id=pk)
        except ServiceError as error:
            raise Http404(error.message) from error
        return redirect("compliance:notification-list")


class NotificationsReadAllView(SignedInMixin, View):
    def post(self, request):
        count = notifications_mark_all_read(user=request.user)
        messages.success(request, MARKED_ALL.format(count=count))
        return redirect("compliance:notification-list")


class AlertPreferencesView(SignedInMixin, View):
    """One checkbox per alert kind; every user (auditors included) chooses what they receive."""

    template_name = "compliance/alert_preferences.html"

    def get(self, request):
        rows = alert_preference_list(user=request.user)
        return render(request, self.template_name, {"form": AlertPreferencesForm(rows=rows), "rows": rows})

    def post(self, request):
        rows = alert_preference_list(user=request.user)
        form = AlertPreferencesForm(request.POST, rows=rows)
        if form.is_valid():
            # Only what changed is written, so an untouched kind keeps following its default.
            for row in rows:
                if form.cleaned_data[row.kind] != row.enabled:
                    alert_preference_set(user=request.user, kind=row.kind, enabled=form.cleaned_data[row.kind])
            messages.success(request, PREFERENCES_SAVED)
            return redirect("compliance:alert-preferences")
        return render(request, self.template_name, {"form": form, "rows": rows}, status=400)
