from django.urls import path

from tracker.rehab import views

app_name = "rehab"
urlpatterns = [
    # Patients
    path("exercises/today/", views.today, name="today"),
    path("exercises/log/", views.log_exercise, name="log"),
    path("exercises/reminder/", views.set_reminder, name="reminder"),
    path("exercises/progress/", views.progress, name="progress"),
    # Staff
    path("rehab/", views.patient_list, name="patient_list"),
    path("rehab/library/", views.exercise_list, name="exercise_list"),
    path("rehab/library/<int:pk>/", views.exercise_detail, name="exercise_detail"),
    path("rehab/patients/<int:pk>/", views.patient_plans, name="patient_plans"),
    path("rehab/patients/<int:pk>/plan/", views.plan_builder, name="plan_builder"),
    path(
        "rehab/patients/<int:pk>/plans/<int:plan_id>/versions/<int:number>/",
        views.version_detail,
        name="version_detail",
    ),
    path("rehab/patients/<int:pk>/plans/<int:plan_id>/end/", views.plan_end, name="plan_end"),
    path("rehab/patients/<int:pk>/plans/<int:plan_id>/resume/", views.plan_resume, name="plan_resume"),
]
