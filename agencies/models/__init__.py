"""Who uses the registry: agencies, officers, onboardings, deployments, API tokens, webhooks, sign-in lockout.

One module per subject; every model is re-exported here for Django.
"""

from agencies.models.directory import (
    Agency,
    ApiToken,
    ChiefAIOfficer,
    Deployment,
    IdentityLink,
    Onboarding,
    OnboardingTransition,
    OpenSourceDetermination,
    Role,
    User,
)
from agencies.models.security import SignInThrottle
from agencies.models.webhooks import WebhookDelivery, WebhookSubscription

__all__ = [
    "Agency",
    "ApiToken",
    "ChiefAIOfficer",
    "Deployment",
    "IdentityLink",
    "Onboarding",
    "OnboardingTransition",
    "OpenSourceDetermination",
    "Role",
    "SignInThrottle",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
]
