"""Template context the portal's header needs from compliance."""

from compliance.alerts import notification_unread_count


def unread_notifications(request) -> dict[str, int]:
    """Template context: the signed-in user's unread notification count, shown in the header nav."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": notification_unread_count(user=user)}
