from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.template_xlsx, name="template_xlsx"),
    path("template/<str:file>.csv", views.template_csv, name="template_csv"),
    path("export.csv", views.export_cases, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export_cases, {"fmt": "xlsx"}, name="export_xlsx"),
    path("exports/<str:code>/", views.export_download, name="export_download"),
    path("<str:code>/", views.job_detail, name="job"),
    path("<str:code>/confirm/", views.job_confirm, name="confirm"),
    path("<str:code>/errors.csv", views.job_issues_csv, name="errors_csv"),
]
