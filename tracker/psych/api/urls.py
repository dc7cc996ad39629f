from django.urls import path

from tracker.psych.api import views

urlpatterns = [
    path("screens/", views.ScreenListCreateView.as_view(), name="api-screens"),
    path("screens/due/", views.ScreenDueView.as_view(), name="api-screens-due"),
    path("content/", views.ContentListView.as_view(), name="api-content"),
    path("content/<int:pk>/complete/", views.ContentCompleteView.as_view(), name="api-content-complete"),
    path("referrals/", views.ReferralListCreateView.as_view(), name="api-referrals"),
    path("referrals/<int:pk>/contact/", views.ReferralContactView.as_view(), name="api-referral-contact"),
    path("programmes/", views.ProgrammeListView.as_view(), name="api-programmes"),
    path("programme-assignments/", views.AssignmentListCreateView.as_view(), name="api-programme-assignments"),
]
