from django.urls import path

from interagency.people.views import agencies

app_name = "people"

urlpatterns = [
    path("p/<slug:code>/people/", agencies.index, name="index"),
]
