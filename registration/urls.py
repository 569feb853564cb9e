from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("", views.register, name="register"),
    path("duplicates/", views.duplicates_panel, name="duplicates"),
    path("done/<str:code>/", views.done, name="done"),
]
