from django.urls import path

from tracker.symptoms import views

app_name = "symptoms"
urlpatterns = [
    path("checkin/", views.checkin_new, name="checkin"),
    path("checkin/<int:pk>/", views.checkin_done, name="checkin_done"),
    path("checkin/reminders/", views.reminder_settings, name="reminders"),
    path("my/checkins/", views.my_history, name="my_history"),
    path("patients/<int:pk>/checkins/", views.patient_history, name="patient_history"),
]
