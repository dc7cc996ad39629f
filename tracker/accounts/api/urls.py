from django.urls import path

from tracker.accounts.api import views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("patients/", views.PatientListCreateView.as_view(), name="api-patients"),
    path("patients/<int:pk>/", views.PatientDetailView.as_view(), name="api-patient-detail"),
]
