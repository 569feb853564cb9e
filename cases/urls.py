from django.urls import path

from .urls_workflow import urlpatterns as workflow_urlpatterns
from .views import case_detail

app_name = "cases"

urlpatterns = [
    *workflow_urlpatterns,
    path("<str:code>/", case_detail.case_detail, name="detail"),
]
