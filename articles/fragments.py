"""A story page in three parts, each kept rendered for as long as what it shows.

- ``head``: social tags, canonical link, language alternates and JSON-LD;
- ``story``: the ``<article>``: header, photos, text, live coverage, topics and
  corrections;
- ``more``: related stories and the latest in the section.

The first two are kept by the story's version (every save of the story changes it),
its own tag ``article:<pk>`` (its bylines, photo uses, corrections, tags and live
entries) and ``library`` (photos, authors, sections and tags many stories show):
publishing another story leaves them as they are. ``more`` changes with every
publication (``content``) and at scheduled times. So do the links to a story's
translations (looked up for translated stories only), kept the same way and part
of the other parts' keys: a translation published at its time shows at once. See
docs/caching.md.
"""

import hashlib

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    prefetch_related_objects,
)
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from pagecache.fragments import fragment, kept

from .models import Article, ArticlePhoto, Byline, Correction
from .structured_data import story_metadata
from .translations import LanguageLink, language_feed_url, language_links

LIST_LENGTH = 4

STORY_RELATIONS = (
    Prefetch("bylines", queryset=Byline.objects.select_related("author")),
    Prefetch("article_photos", queryset=ArticlePhoto.objects.select_related("photo")),
    "tags",
    Prefetch("corrections", queryset=Correction.objects.all()),
)


def for_story_page(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """What a story page reads on every request: the story, its section and whether
    it has translations, in one query; the rest only when a part is rendered."""
    translations = Article.objects.filter(translation_of=OuterRef("pk"))
    return (
        queryset.defer("search_vector")
        .select_related("section")
        .annotate(has_translations=Exists(translations))
    )


def story_parts(
    article: Article, request: HttpRequest, *, preview: bool = False
) -> dict[str, SafeString]:
    """Return the rendered ``head``, ``story`` and ``more`` of ``article``'s page.

    A preview shows a story that may not be public: its parts are never kept.
    """
    links = translation_links(article, request, preview=preview)
    context = {
        "article": article,
        "preview": preview,
        "language_versions": links,
        "language_feed_url": language_feed_url(article),
    }

    def render(template: str, **more) -> str:
        return render_to_string(template, {**context, **more}, request)

    def render_head() -> str:
        prefetch_related_objects([article], *STORY_RELATIONS)  # once, if at all
        metadata = story_metadata(article, request)
        return render("articles/_story_head.html", metadata=metadata)

    def render_story() -> str:
        prefetch_related_objects([article], *STORY_RELATIONS)
        return render("articles/_story.html")

    def render_more() -> str:
        return render("articles/_more_stories.html", **listed_with(article))

    if preview:
        return {
            "head": SafeString(render_head()),
            "story": SafeString(render_story()),
            "more": SafeString(render_more()),
        }
    identity = (article.pk, article.version, origin(request), links_digest(links))
    own = ("library", f"article:{article.pk}")
    return {
        "head": fragment(request, "story-head", identity, own, render_head),
        "story": fragment(request, "story", identity, own, render_story),
        "more": fragment(
            request,
            "story-more",
            (article.pk, origin(request)),
            ("content",),
            render_more,
            changes_with_time=True,
        ),
    }


def listed_with(article: Article) -> dict[str, list[Article]]:
    """Two queries whatever the story; the section list repeats no related story."""
    published = Article.objects.published()
    related = list(published.related_to(article)[:LIST_LENGTH])
    alongside = published.in_section_of(article).exclude(
        pk__in=[story.pk for story in related]
    )
    return {"related": related, "section_latest": list(alongside[:LIST_LENGTH])}


def translation_links(
    article: Article, request: HttpRequest, *, preview: bool = False
) -> list[LanguageLink]:
    """No query for a story that is no translation and has none; for one that is,
    the links are kept until the next publication or scheduled change."""
    if article.translation_of_id is None and not getattr(
        article, "has_translations", True
    ):
        return []
    if preview:
        return language_links(article, request)
    return kept(
        request,
        "story-languages",
        (article.pk, origin(request)),
        ("content",),
        lambda: language_links(article, request),
        changes_with_time=True,
    )


def origin(request: HttpRequest) -> str:
    """Parts carry absolute addresses (canonical link, JSON-LD): one copy a host."""
    return request.build_absolute_uri("/")


def links_digest(links: list[LanguageLink]) -> str:
    return hashlib.sha256(repr(links).encode()).hexdigest()[:16]
