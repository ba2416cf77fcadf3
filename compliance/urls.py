from django.urls import path

from compliance import views

app_name = "compliance"

urlpatterns = [
    path("attestations/verify/", views.AttestationVerifyView.as_view(), name="attestation-verify"),
    path("attestations/verify.json", views.AttestationVerifyJsonView.as_view(), name="attestation-verify-json"),
]
