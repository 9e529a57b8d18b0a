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
translations (looked up for translated stories only), kept with ``more`` and part
of the other parts' keys: a translation published at its time shows at once. A
page reads the two kept entries, one for each lifetime. See docs/caching.md.
"""

import hashlib

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from pagecache.fragments import kept

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


def story_parts(
    article: Article, request: HttpRequest, *, preview: bool = False
) -> dict[str, SafeString]:
    """Return the rendered ``head``, ``story`` and ``more`` of ``article``'s page.

    Two kept entries make them: the head and story by version, the links to
    translations and ``more`` by ``content``. A preview shows a story that may not
    be public: its parts are never kept.
    """

    def render(template: str, links: list[LanguageLink], **more) -> str:
        context = {
            "article": article,
            "preview": preview,
            "language_versions": links,
            "language_feed_url": language_feed_url(article),
            **more,
        }
        return render_to_string(template, context, request)

    def render_own(links: list[LanguageLink]) -> dict[str, str]:
        prefetch_related_objects([article], *STORY_RELATIONS)
        metadata = story_metadata(article, request)
        return {
            "head": render("articles/_story_head.html", links, metadata=metadata),
            "story": render("articles/_story.html", links),
        }

    def render_around() -> dict:
        links = translation_links(article, request)
        more = render("articles/_more_stories.html", links, **listed_with(article))
        return {"links": links, "more": more}

    if preview:
        around = render_around()
        own = render_own(around["links"])
    else:
        around = kept(
            request,
            "story-around",
            (article.pk, origin(request)),
            ("content",),
            render_around,
            changes_with_time=True,
        )
        links = around["links"]
        own = kept(
            request,
            "story-own",
            (article.pk, article.version, origin(request), links_digest(links)),
            ("library", f"article:{article.pk}"),
            lambda: render_own(links),
        )
    parts = {"head": own["head"], "story": own["story"], "more": around["more"]}
    return {name: mark_safe(html) for name, html in parts.items()}


def listed_with(article: Article) -> dict[str, list[Article]]:
    """Two queries whatever the story; the section list repeats no related story."""
    published = Article.objects.published()
    related = list(published.related_to(article)[:LIST_LENGTH])
    alongside = published.in_section_of(article).exclude(
        pk__in=[story.pk for story in related]
    )
    return {"related": related, "section_latest": list(alongside[:LIST_LENGTH])}


def translation_links(article: Article, request: HttpRequest) -> list[LanguageLink]:
    """No query for a story that is no translation and has none."""
    if article.translation_of_id is None and not getattr(
        article, "has_translations", True
    ):
        return []
    return language_links(article, request)


def origin(request: HttpRequest) -> str:
    """Parts carry absolute addresses (canonical link, JSON-LD): one copy a host."""
    return request.build_absolute_uri("/")


def links_digest(links: list[LanguageLink]) -> str:
    return hashlib.sha256(repr(links).encode()).hexdigest()[:16]
