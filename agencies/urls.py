from django.urls import path

from agencies import signin_views, views

app_name = "agencies"
urlpatterns = [
    path("accounts/oidc/start/", signin_views.OidcStartView.as_view(), name="oidc-start"),
    path("accounts/oidc/callback/", signin_views.OidcCallbackView.as_view(), name="oidc-callback"),
    path("agencies/", views.AgencyListView.as_view(), name="agency-list"),
    path("agencies/<int:pk>/", views.AgencyDetailView.as_view(), name="agency-detail"),
    path("agencies/<int:pk>/caio/", views.AgencyCaioView.as_view(), name="agency-caio"),
    path("onboardings/", views.OnboardingListView.as_view(), name="onboarding-list"),
    path("onboardings/offboarding/", views.OffboardingQueueView.as_view(), name="offboarding-queue"),
    path("onboardings/new/", views.OnboardingRequestView.as_view(), name="onboarding-request"),
    path("onboardings/<int:pk>/", views.OnboardingDetailView.as_view(), name="onboarding-detail"),
    path(
        "onboardings/<int:pk>/contract-facts/",
        views.OnboardingContractFactsView.as_view(),
        name="onboarding-contract-facts",
    ),
    path("deployments/", views.DeploymentListView.as_view(), name="deployment-list"),
    path("deployments/new/", views.DeploymentFormView.as_view(), name="deployment-create"),
    path("deployments/<int:pk>/", views.DeploymentDetailView.as_view(), name="deployment-detail"),
    path("deployments/<int:pk>/edit/", views.DeploymentFormView.as_view(), name="deployment-edit"),
]
