from django.urls import re_path

from . import views

app_name = "photos"

urlpatterns = [
    re_path(
        r"^(?P<photo_id>[0-9]+)/(?P<source_key>[0-9a-f]+)/"
        r"(?P<ratio>[0-9a-z]+)-(?P<width>[0-9]+)\.(?P<fmt>[a-z]+)$",
        views.rendition,
        name="rendition",
    ),
]
