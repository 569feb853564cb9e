from django.urls import path

from .views import case_detail

app_name = "cases"

urlpatterns = [
    path("<str:code>/", case_detail.case_detail, name="detail"),
]
