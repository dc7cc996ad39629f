from django.urls import path

from tracker.alerts.api import views

urlpatterns = [
    path("alerts/", views.AlertListView.as_view(), name="api-alerts"),
    path("alerts/<int:pk>/", views.AlertDetailView.as_view(), name="api-alert-detail"),
    path("alerts/<int:pk>/acknowledge/", views.AlertAcknowledgeView.as_view(), name="api-alert-acknowledge"),
    path("alerts/<int:pk>/contacts/", views.AlertContactListView.as_view(), name="api-alert-contacts"),
    path("alerts/<int:pk>/resolve/", views.AlertResolveView.as_view(), name="api-alert-resolve"),
]
