from django.urls import path

from tracker.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("triage/", views.triage, name="triage"),
    path("triage/count/", views.triage_count, name="triage_count"),
    path("panel/", views.panel, name="panel"),
    path("patients/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("patients/<int:pk>/export.csv", views.export, name="export"),
]
