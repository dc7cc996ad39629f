from django.urls import path

from tracker.symptoms.api import views

urlpatterns = [
    path("checkins/", views.CheckInListCreateView.as_view(), name="api-checkins"),
    path("checkins/<int:pk>/", views.CheckInDetailView.as_view(), name="api-checkin"),
]
