from django.conf import settings
from django.http import HttpRequest

from .models import Section


def site(request: HttpRequest) -> dict:
    """Give every template the site name and the navigation's sections (lazily)."""
    return {
        "site_name": settings.SITE_NAME,
        "site_language": settings.LANGUAGE_CODE,
        "nav_sections": Section.objects.all,
    }
