from django.conf import settings
from django.http import HttpRequest

from pagecache.fragments import kept

from .models import Section


def site(request: HttpRequest) -> dict:
    """Give every template the site name and the navigation's sections (lazily)."""
    return {
        "site_name": settings.SITE_NAME,
        "site_language": settings.LANGUAGE_CODE,
        "nav_sections": lambda: nav_sections(request),
    }


def nav_sections(request: HttpRequest) -> list[Section]:
    """The sections, kept until one of them or another shared object changes."""
    return kept(
        request, "nav-sections", (), ("library",), lambda: list(Section.objects.all())
    )
