from django.urls import path

from tracker.psych import views

app_name = "psych"
urlpatterns = [
    # Patients
    path("screens/", views.screen_list, name="screen_list"),
    path("screens/new/<str:instrument>/", views.screen_new, name="screen_new"),
    path("screens/<int:pk>/", views.screen_result, name="screen_result"),
    path("support/", views.content_list, name="content_list"),
    path("support/<int:pk>/", views.content_detail, name="content_detail"),
    path("support/<int:pk>/done/", views.content_complete, name="content_complete"),
    # Staff
    path("psych/queue/", views.queue, name="queue"),
    path("psych/patients/", views.patient_overview, name="patient_overview"),
    path("psych/patients/<int:pk>/", views.patient_detail, name="patient_detail"),
    path("psych/patients/<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path("psych/patients/<int:pk>/programmes/", views.programme_assign, name="programme_assign"),
    path("psych/patients/<int:pk>/schedule/", views.schedule_update, name="schedule_update"),
    path("psych/referrals/<int:pk>/contact/", views.referral_contact, name="referral_contact"),
    path("psych/assignments/<int:pk>/stop/", views.programme_stop, name="programme_stop"),
    path("psych/library/", views.library, name="library"),
    path("psych/library/<slug:slug>/", views.library_module, name="library_module"),
]
