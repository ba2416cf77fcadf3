"""The signed-in user's notifications (the portal's notification list) and alert preferences."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from agencies.services import ServiceError
from compliance.alerts import (
    alert_preference_list,
    alert_preference_set,
    notification_list,
    notification_mark_read,
    notification_unread_count,
    notifications_mark_all_read,
)
from config.portal import SignedInMixin, paginate

MARKED_READ = "{count} notification{plural} marked read."
PREFERENCES_SAVED = "Your alert choices are saved."


class NotificationListView(SignedInMixin, View):
    """The user's own notifications, newest first (unread only with ?unread=1), and the kinds they receive."""

    def get(self, request):
        unread_only = request.GET.get("unread") == "1"
        context = {
            "page": paginate(request, notification_list(user=request.user, unread_only=unread_only)),
            "unread_only": unread_only,
            "unread_count": notification_unread_count(user=request.user),
            "preferences": alert_preference_list(user=request.user),
            "query": "unread=1" if unread_only else "",
        }
        return render(request, "compliance/notification_list.html", context)


class NotificationReadView(SignedInMixin, View):
    """POST only: mark one of the user's notifications read; another user's is not found (404)."""

    def post(self, request, pk):
        try:
            notification_mark_read(user=request.user, notification_id=pk)
        except ServiceError as error:
            raise Http404(str(error)) from None
        return redirect("compliance:notification-list")


class NotificationReadAllView(SignedInMixin, View):
    """POST only: mark every unread notification of the user read."""

    def post(self, request):
        count = notifications_mark_all_read(user=request.user)
        messages.success(request, MARKED_READ.format(count=count, plural="" if count == 1 else "s"))
        return redirect("compliance:notification-list")


class AlertPreferencesView(SignedInMixin, View):
    """POST only: the kinds ticked are received, the others are not (each change is audited)."""

    def post(self, request):
        chosen = set(request.POST.getlist("kinds"))
        for row in alert_preference_list(user=request.user):
            if (row.kind in chosen) != row.enabled:
                alert_preference_set(user=request.user, kind=row.kind, enabled=row.kind in chosen)
        messages.success(request, PREFERENCES_SAVED)
        return redirect("compliance:notification-list")
