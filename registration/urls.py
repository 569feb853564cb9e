from django.urls import path

from . import offline, views

app_name = "registration"

urlpatterns = [
    path("", views.register, name="register"),
    path("duplicates/", views.duplicates_panel, name="duplicates"),
    path("done/<str:code>/", views.done, name="done"),
    path("offline/send/", offline.send, name="offline_send"),
    path("offline/state/", offline.state, name="offline_state"),
]
