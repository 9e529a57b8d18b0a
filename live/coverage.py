"""What a story's live coverage shows, fetched once per request.

The story page, its JSON-LD and ``entries.json`` all start from
:func:`entries_of`, which keeps its result on the story instance: the page and its
structured data share one set of queries, whatever the number of entries.
"""

from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .models import LiveEntry

CACHE_ATTRIBUTE = "_live_entries"


def has_coverage(article: Article) -> bool:
    """A story has coverage once it has been live; no query for every other story."""
    return article.is_live or article.live_started_at is not None


def entries_of(article: Article) -> list[LiveEntry]:
    """Return the story's entries, newest first, with what they render."""
    if not has_coverage(article):
        return []
    cached = getattr(article, CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = list(LiveEntry.objects.filter(article=article).for_page())
        for entry in cached:
            entry.article = article  # permalinks need the story, not another query
        setattr(article, CACHE_ATTRIBUTE, cached)
    return cached


def status_of(article: Article) -> str:
    return "live" if article.is_live else "ended"


def url_kwargs(article: Article) -> dict[str, str]:
    """Return the date and slug parts of the story's address."""
    day = timezone.localtime(article.published_at)
    return {
        "year": f"{day.year}",
        "month": f"{day.month:02d}",
        "day": f"{day.day:02d}",
        "slug": article.slug,
    }


def entries_url(article: Article) -> str:
    return reverse("articles:live_entries", kwargs=url_kwargs(article))
