"""Template context every portal page needs from the settings."""

from django.conf import settings


def session_timeout(request) -> dict[str, int]:
    """The inactivity sign-out (SESSION_COOKIE_AGE), for the footer and the warning portal.js shows before it."""
    return {
        "session_timeout_seconds": settings.SESSION_COOKIE_AGE,
        "session_timeout_minutes": settings.SESSION_COOKIE_AGE // 60,
    }
