"""The agencies app's routes on the API router: (prefix, viewset, basename)."""

from agencies.api import views

ROUTES = [
    ("agencies", views.AgencyViewSet, "agency"),
    ("onboardings", views.OnboardingViewSet, "onboarding"),
    ("onboarding-transitions", views.OnboardingTransitionViewSet, "onboardingtransition"),
    ("deployments", views.DeploymentViewSet, "deployment"),
]
