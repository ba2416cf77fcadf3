from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from compliance.views.dashboard import DashboardView

urlpatterns = [
    path("", DashboardView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # The portal (issue 5).
    path("catalog/", include("catalog.urls")),
    path("", include("agencies.urls")),
    path("", include("compliance.urls")),
]

# REST API (issue 4) and the portal's API token pages. Under /api/ the 404 and 500 pages are JSON.
urlpatterns += [
    path("api/v1/", include("config.api.urls")),
    path("accounts/tokens/", include("agencies.token_urls")),
]
handler404 = "core.api.exceptions.not_found"
handler500 = "core.api.exceptions.server_error"
