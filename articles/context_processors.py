from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from pagecache.fragments import kept

from .models import Section

CHROME_PARTS = ("feed_links", "header", "footer")


def site(request: HttpRequest) -> dict:
    """Give every template the site name and what surrounds each page (lazily)."""
    return {
        "site_name": settings.SITE_NAME,
        "site_language": settings.LANGUAGE_CODE,
        "site_chrome": SimpleLazyObject(lambda: site_chrome(request)),
    }


def site_chrome(request: HttpRequest) -> dict[str, SafeString]:
    """The feed links, header (with the sections) and footer of every page, kept
    rendered until a section or another shared object changes: one cache read
    instead of a query and a dozen address lookups on every page."""

    def render() -> dict[str, str]:
        context = {
            "site_name": settings.SITE_NAME,
            "nav_sections": list(Section.objects.all()),
        }
        return {
            part: render_to_string(f"includes/{part}.html", context)
            for part in CHROME_PARTS
        }

    parts = kept(request, "site-chrome", (get_script_prefix(),), ("library",), render)
    return {part: mark_safe(html) for part, html in parts.items()}
