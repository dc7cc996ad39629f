from django.urls import path

from tracker.notifications import views

app_name = "notifications"
urlpatterns = [
    path("messages/", views.notification_list, name="list"),
    path("messages/read/", views.notification_mark_all_read, name="mark_all_read"),
]
