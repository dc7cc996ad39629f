from django.urls import path

from tracker.alerts import views

app_name = "alerts"
urlpatterns = [
    path("alerts/<int:pk>/", views.alert_detail, name="detail"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge_view, name="acknowledge"),
    path("alerts/<int:pk>/resolve/", views.alert_resolve_view, name="resolve"),
    path("alerts/<int:pk>/contacts/", views.alert_contact_view, name="contact"),
]
urlpatterns += [
    path("alerts/statistics/", views.alert_stats, name="stats"),
]
