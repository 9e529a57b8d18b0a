"""WSGI entry point for production servers.

Readers' cached pages are answered in front of Django (``pagecache.wsgi``); every
other request goes through Django as usual.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()

from pagecache.wsgi import CachedPages  # noqa: E402  (needs the settings loaded)

application = CachedPages(django_application)
