from django.urls import path

from tracker.accounts import views

app_name = "accounts"
urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_enrol, name="patient_enrol"),
    path("patients/<int:pk>/", views.patient_detail, name="patient_detail"),
    path("patients/<int:pk>/precautions/", views.patient_precautions, name="patient_precautions"),
    path("my/details/", views.my_details, name="my_details"),
]
