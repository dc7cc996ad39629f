"""The project's URLs plus the bare views the benchmarks compare against (bench.settings only)."""

from django.urls import path

from bench import views
from config.urls import handler400, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench/bare/", views.bare, name="bench-bare"),
    path("bench/bare-page/", views.bare_page, name="bench-bare-page"),
    path("bench/checkin-lower-bound/", views.checkin_lower_bound, name="bench-checkin-lower-bound"),
    *project_urlpatterns,
]
