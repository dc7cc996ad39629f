from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tracker.accounts import views as accounts_views
from tracker.core import views as core_views

# Each domain app adds its pages to PAGE_APPS and its API to API_APPS when it lands.
PAGE_APPS = [
    "tracker.accounts.urls",
    "tracker.symptoms.urls",
    "tracker.alerts.urls",
    "tracker.notifications.urls",
    "tracker.dashboard.urls",
    "tracker.psych.urls",
    "tracker.rehab.urls",
]
API_APPS = [
    "tracker.accounts.api.urls",
    "tracker.symptoms.api.urls",
    "tracker.alerts.api.urls",
    "tracker.psych.api.urls",
    "tracker.rehab.api.urls",
]

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    *[path("", include(module)) for module in API_APPS],
]

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        # LoginView puts the host's name in `site_name`; the site's own name is the one to show.
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, extra_context={"site_name": settings.TRACKER_SITE_NAME}
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by e-mail, Django's flow under its usual names (tracker/accounts/views.py).
    path("accounts/password_reset/", accounts_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    *[path("", include(module)) for module in PAGE_APPS],
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]

# The API answers in JSON even when no view matched or something failed outside DRF.
handler400 = "tracker.core.errors.bad_request"
handler404 = "tracker.core.errors.not_found"
handler500 = "tracker.core.errors.server_error"
