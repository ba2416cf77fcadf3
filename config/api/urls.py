"""The one API router, mounted at /api/v1/ under the `api` namespace.

Each app lists its routes in `<app>/api/urls.py` as ROUTES = [(prefix, viewset, basename)];
adding a ViewSet to the API is one line there.
"""

from importlib import import_module

from csp.constants import NONCE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

APPS_WITH_ROUTES = ("catalog", "agencies", "compliance")

router = DefaultRouter()
router.include_format_suffixes = False  # `?format=csv` is the one way to ask for CSV
for app in APPS_WITH_ROUTES:
    for prefix, viewset, basename in import_module(f"{app}.api.urls").ROUTES:
        router.register(prefix, viewset, basename=basename)

# The <style> elements redoc.standalone.js (drf-spectacular-sidecar) inserts as it loads: an empty one and the
# perfect-scrollbar stylesheet. A sidecar upgrade that changes them fails tests/browser/test_api_docs.py.
REDOC_BUNDLE_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script from its own URL (?script), so the page needs no inline
    # script under the content security policy; the templates in templates/drf_spectacular/ drop inline styles.
    # Swagger UI's stylesheet draws its icons as data: SVG images, allowed on this page only.
    path(
        "docs/",
        csp_update({"img-src": ["data:"]})(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    # Redoc's styled-components insert <style> elements carrying this request's nonce (passed to Redoc.init by
    # redoc-init.js); two fixed <style> elements its bundle inserts on load, before it knows the nonce, are allowed
    # by hash; its icons are data: images; its search index runs in a Web Worker built from a blob: URL.
    path(
        "redoc/",
        csp_update({"style-src": [NONCE, *REDOC_BUNDLE_STYLE_HASHES], "img-src": ["data:"], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema")
        ),
        name="redoc",
    ),
    *router.urls,
]
