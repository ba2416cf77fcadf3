from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.OfferingListView.as_view(), name="offering-list"),
    path("offerings/<slug:slug>/", views.OfferingDetailView.as_view(), name="offering-detail"),
    path("offerings/<slug:slug>/status/", views.OfferingStatusView.as_view(), name="offering-status"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement-list"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement-detail"),
    path("vendors/", views.VendorListView.as_view(), name="vendor-list"),
    path("vendors/<int:pk>/", views.VendorDetailView.as_view(), name="vendor-detail"),
    path("model-versions/", views.ModelVersionListView.as_view(), name="model-version-list"),
    path("model-versions/<int:pk>/", views.ModelVersionDetailView.as_view(), name="model-version-detail"),
    path("manage/<slug:kind>/new/", views.CatalogRecordFormView.as_view(), name="record-create"),
    path("manage/<slug:kind>/<int:pk>/edit/", views.CatalogRecordFormView.as_view(), name="record-edit"),
]
