from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("request/", views.request_report_view, name="request"),
    path("<str:code>/", views.report_detail, name="detail"),
    path("<str:code>/progress/", views.report_progress, name="progress"),
    path("<str:code>/download/<str:fmt>/", views.report_download, name="download"),
    path("<str:code>/retry/", views.report_retry, name="retry"),
]
