from django.urls import path

from . import views

app_name = "emergency"

urlpatterns = [
    path("", views.grant_list, name="list"),
    path("new/", views.request_access, name="request"),
    path("<str:code>/", views.review, name="review"),
]
