from django.urls import path

from . import offline, offline_pages, views

app_name = "registration"

urlpatterns = [
    path("", views.register, name="register"),
    path("duplicates/", views.duplicates_panel, name="duplicates"),
    path("done/<str:code>/", views.done, name="done"),
    # The page the browser keeps for registering without a connection (docs/offline.md).
    path("offline/form/<str:lang>/", offline_pages.offline_form, name="offline_form"),
    path("offline/send/", offline.send, name="offline_send"),
    path("offline/state/", offline.state, name="offline_state"),
]
