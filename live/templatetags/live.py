"""``{% live_coverage article %}``: a story's live entries, on the story page."""

from django import template
from django.conf import settings
from django.utils import timezone

from ..coverage import entries_of, entries_url, has_coverage, status_of
from ..polling import since_token

register = template.Library()


@register.inclusion_tag("live/_coverage.html", takes_context=True)
def live_coverage(context: template.Context, article) -> dict:
    """Render the coverage of a story that has been live; nothing for other stories.

    Its ``data-*`` attributes tell ``live.js`` where and how often to ask for new
    entries, and from when: the page's own render time, to the minute.
    """
    if not has_coverage(article):
        return {"shown": False}
    entries = entries_of(article)
    return {
        "shown": True,
        "request": context.get("request"),
        "article": article,
        "entries": entries,
        "key_moments": [entry for entry in entries if entry.is_key_moment],
        "status": status_of(article),
        "entries_url": entries_url(article),
        "since": since_token(timezone.now()),
        "poll_seconds": settings.LIVE_POLL_SECONDS,
        # The coverage's own words are the site's; the entries are the story's.
        "site_language": context.get("site_language", settings.LANGUAGE_CODE),
    }
