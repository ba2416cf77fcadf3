from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.OfferingListView.as_view(), name="offering-list"),
    path("offerings/<slug:slug>/", views.OfferingDetailView.as_view(), name="offering-detail"),
    path("offerings/<slug:slug>/status/", views.OfferingStatusView.as_view(), name="offering-status"),
    path("manage/<slug:kind>/new/", views.CatalogRecordFormView.as_view(), name="record-create"),
    path("manage/<slug:kind>/<int:pk>/edit/", views.CatalogRecordFormView.as_view(), name="record-edit"),
]
