from django.urls import path

from . import views

app_name = "information"

urlpatterns = [
    path("", views.sheet, name="sheet"),
    path("edit/", views.edit, name="edit"),
    path("<str:lang>/", views.sheet, name="sheet_lang"),
]
