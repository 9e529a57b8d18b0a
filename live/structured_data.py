"""A live story's JSON-LD: a schema.org ``LiveBlogPosting`` with its updates.

Built on the story's ``NewsArticle`` data (articles.structured_data): the same
headline, authors, publisher and pictures, plus the coverage times and one
``BlogPosting`` per entry, newest first like the page, each at its permalink.
"""

from django.http import HttpRequest

from articles.models import Article
from articles.structured_data import SHARE_WIDTH, iso8601, modified_at
from photos.renditions import rendition_url, srcset_widths

from .coverage import entries_of, has_coverage
from .models import LiveEntry

# NewsArticle properties that a LiveBlogPosting (a BlogPosting) does not have.
NEWS_ARTICLE_ONLY = ("dateline",)


def as_live_blog_posting(story: dict, article: Article, request: HttpRequest) -> dict:
    """Return ``story`` as a LiveBlogPosting if the story has coverage, else as is."""
    if not has_coverage(article):
        return story
    data = {k: v for k, v in story.items() if k not in NEWS_ARTICLE_ONLY}
    data["@type"] = "LiveBlogPosting"
    data["coverageStartTime"] = iso8601(article.live_started_at or article.published_at)
    if not article.is_live and article.live_ended_at:
        data["coverageEndTime"] = iso8601(article.live_ended_at)
    entries = entries_of(article)
    data["liveBlogUpdate"] = [
        blog_posting(entry, request, story_url=story["url"]) for entry in entries
    ]
    if entries:
        newest = max(entry.updated_at for entry in entries)
        data["dateModified"] = iso8601(max(modified_at(article), newest))
    return data


def blog_posting(entry: LiveEntry, request: HttpRequest, *, story_url: str) -> dict:
    """Return one entry as a BlogPosting at its anchor on the story page."""
    data = {
        "@type": "BlogPosting",
        "headline": entry.summary,
        "articleBody": entry.body,
        "datePublished": iso8601(entry.created_at),
        "dateModified": iso8601(max(entry.created_at, entry.updated_at)),
        "url": f"{story_url}#{entry.anchor}",
        "author": {
            "@type": "Person",
            "name": entry.author.name,
            "url": request.build_absolute_uri(entry.author.get_absolute_url()),
        },
    }
    image = image_url(entry, request)
    if image:
        data["image"] = image
    return data


def image_url(entry: LiveEntry, request: HttpRequest) -> str | None:
    """Return the entry photo's widest JPEG rendition up to the shared width."""
    photo = entry.photo
    if photo is None or not photo.image:
        return None
    widths = [w for w, _ in srcset_widths(photo, "free") if w <= SHARE_WIDTH]
    if not widths:
        return None
    return request.build_absolute_uri(rendition_url(photo, "free", max(widths), "jpg"))
