from django.urls import path

from tracker.rehab.api import views

urlpatterns = [
    path("exercises/", views.ExerciseListView.as_view(), name="api-exercises"),
    path("exercises/<int:pk>/", views.ExerciseDetailView.as_view(), name="api-exercise-detail"),
    path("plans/", views.PlanListCreateView.as_view(), name="api-plans"),
    path("plans/check/", views.PlanCheckView.as_view(), name="api-plan-check"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="api-plan-detail"),
    path("plans/<int:pk>/resume/", views.PlanResumeView.as_view(), name="api-plan-resume"),
    path("today/", views.TodayView.as_view(), name="api-today"),
    path("exercise-logs/", views.ExerciseLogListCreateView.as_view(), name="api-exercise-logs"),
    path("adherence/", views.AdherenceView.as_view(), name="api-adherence"),
]
