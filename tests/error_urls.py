"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from newsroom.errors import service_unavailable
from newsroom.urls import handler400, handler500
from newsroom.urls import urlpatterns as site_urlpatterns

SECRET_DETAIL = "internal detail: table articles_article at /srv/newsroom"


def explode(request):
    raise RuntimeError(f"{SECRET_DETAIL} {settings.SECRET_KEY} {settings.DATABASES}")


def forbid(request):
    raise PermissionDenied(SECRET_DETAIL)


def suspicious(request):
    raise SuspiciousOperation(SECRET_DETAIL)


def unavailable(request):
    return service_unavailable(retry_after=15)


urlpatterns = [
    path("fail/explode/", explode),
    path("fail/forbid/", forbid),
    path("fail/suspicious/", suspicious),
    path("fail/unavailable/", unavailable),
    *site_urlpatterns,
]
__all__ = ["handler400", "handler500", "urlpatterns"]
