"""The framework's floor for bench/serve.py: Django answering a short fixed page.

Settings, URLconf and WSGI application in one module, served by gunicorn with the
newsroom's own gunicorn.conf.py (``--pythonpath bench floor:application``). No app,
no middleware, no database, no template: what any Django page costs at the least,
so the newsroom's pages can be read as a fraction of it.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

DEBUG = False
SECRET_KEY = "floor-benchmark-only"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True

PAGE = b"<!doctype html><title>Floor</title><p>A short fixed page.</p>\n"


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE)


urlpatterns = [path("", page)]

os.environ["DJANGO_SETTINGS_MODULE"] = __name__
application = get_wsgi_application()
