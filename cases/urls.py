from django.urls import path

from .urls_workflow import urlpatterns as workflow_urlpatterns
from .views import case_detail, case_edit, case_list, todo

app_name = "cases"

urlpatterns = [
    path("", case_list.case_list, name="list"),
    *workflow_urlpatterns,
    path("todo/<slug:section>/", todo.todo_section, name="todo"),
    path("<str:code>/edit/<str:section>/", case_edit.case_edit, name="edit"),
    path("<str:code>/", case_detail.case_detail, name="detail"),
]
