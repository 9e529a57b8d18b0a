"""``entries.json``: the entries of a published live story changed since a time."""

from datetime import datetime, timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control

from articles.models import Article
from pagecache import depend_on

from .coverage import status_of
from .models import LiveEntry
from .polling import BadSince, parse_since, since_token


def published_story(year: str, month: str, day: str, slug: str) -> Article:
    """Find the published story at this address, as the story page does; else 404."""
    try:
        start = timezone.make_aware(datetime(int(year), int(month), int(day)))
    except ValueError as error:
        raise Http404("No story at this address.") from error
    return get_object_or_404(
        Article.objects.published().only(
            "pk", "slug", "published_at", "is_live", "live_started_at"
        ),
        slug=slug,
        published_at__gte=start,
        published_at__lt=start + timedelta(days=1),
    )


def entries_json(
    request: HttpRequest, year: str, month: str, day: str, slug: str
) -> JsonResponse:
    """Return the entries created or corrected after ``?since=`` (all without it).

    Each entry comes as plain fields and as the same escaped HTML fragment the page
    renders, so ``live.js`` inserts markup it never builds from text. ``entry_ids``
    lists every current entry, so pages drop deleted ones too.
    """
    article = published_story(year, month, day, slug)
    depend_on(request, f"article:{article.pk}")
    since = request.GET.get("since")
    entries = LiveEntry.objects.filter(article=article)
    if since is not None:
        try:
            entries = entries.filter(updated_at__gt=parse_since(since))
        except BadSince as error:
            return JsonResponse({"error": str(error)}, status=400)
    now = timezone.now()
    current = LiveEntry.objects.filter(article=article).values_list("pk", flat=True)
    response = JsonResponse(
        {
            "status": status_of(article),
            "next_since": since_token(now),
            "entries": [
                entry_data(entry, article, request) for entry in entries.for_page()
            ],
            "entry_ids": list(current),
        }
    )
    # Shorter than a page's public lifetime: a CDN may answer a crowd of readers
    # from one copy, but for no more than half a polling interval.
    patch_cache_control(response, public=True, max_age=fresh_seconds())
    return response


def fresh_seconds() -> int:
    return max(1, int(settings.LIVE_POLL_SECONDS // 2))


def entry_data(entry: LiveEntry, article: Article, request: HttpRequest) -> dict:
    entry.article = article
    return {
        "id": entry.pk,
        "anchor": entry.anchor,
        "url": request.build_absolute_uri(entry.get_absolute_url()),
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
        "title": entry.title,
        "body": entry.body,
        "author": entry.author.name,
        "is_key_moment": entry.is_key_moment,
        "corrections": [
            {"text": correction.text, "created_at": correction.created_at.isoformat()}
            for correction in entry.corrections.all()
        ],
        "html": render_to_string("live/_entry.html", {"entry": entry}, request),
        "key_moment_html": (
            render_to_string("live/_key_moment.html", {"entry": entry}, request)
            if entry.is_key_moment
            else None
        ),
    }
