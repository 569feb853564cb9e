from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/<str:code>/edit/", views.provider_edit, name="provider_edit"),
    path("providers/<str:code>/active/", views.provider_set_active, name="provider_set_active"),
    path("case/<str:case_code>/refer/", views.refer, name="refer"),
    path("case/<str:case_code>/consent/", views.record_consent, name="record_consent"),
    path("<str:code>/", views.referral_detail, name="detail"),
    path("<str:code>/provider/", views.referral_set_provider, name="set_provider"),
    path(
        "<str:code>/accept/",
        views.referral_change_status,
        {"action": "accept"},
        name="accept",
    ),
    path(
        "<str:code>/decline/",
        views.referral_change_status,
        {"action": "decline"},
        name="decline",
    ),
    path(
        "<str:code>/complete/",
        views.referral_change_status,
        {"action": "complete"},
        name="complete",
    ),
    path("<str:code>/summary/", views.referral_summary, name="summary"),
]
