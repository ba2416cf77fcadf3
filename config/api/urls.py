"""The one API router, mounted at /api/v1/ under the `api` namespace.

Each app lists its routes in `<app>/api/urls.py` as ROUTES = [(prefix, viewset, basename)];
adding a ViewSet to the API is one line there.
"""

from importlib import import_module

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

APPS_WITH_ROUTES = ("catalog", "agencies", "compliance")

router = DefaultRouter()
router.include_format_suffixes = False  # `?format=csv` is the one way to ask for CSV
for app in APPS_WITH_ROUTES:
    for prefix, viewset, basename in import_module(f"{app}.api.urls").ROUTES:
        router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    *router.urls,
]
