"""RSS 2.0 and Atom feeds of the latest stories: all, per section, tag and author.

Every feed starts from ``Article.objects.published()``. Story text is plain text and
feed readers render RSS titles and descriptions (and Atom's ``type="html"`` summary)
as HTML, so those are escaped; Atom's ``<title>`` is text and stays as typed.
"""

import logging

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from PIL import Image
from taggit.models import Tag

from photos.models import Rendition
from photos.renditions import (
    CONTENT_TYPES,
    ensure_rendition,
    rendition_url,
    source_key,
    spec_name,
)

from .models import Article, Author, Section
from .translations import language_name

logger = logging.getLogger(__name__)

ITEMS = 30
# The lead photo travels as a JPEG: every feed reader shows it.
ENCLOSURE = ("16x9", 960, "jpg")
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


class RssWithLanguages(Rss201rev2Feed):
    """RSS 2.0 naming each story's language (``dc:language``): feeds mix languages."""

    def rss_attributes(self) -> dict:
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE}

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("dc:language", item["language"])


class AtomWithLanguages(Atom1Feed):
    """Atom naming each story's language with ``xml:lang`` on its entry."""

    def item_attributes(self, item) -> dict:
        return {**super().item_attributes(item), "xml:lang": item["language"]}


class ArticleFeed(Feed):
    """Published stories as RSS 2.0, newest first; subclasses say which stories."""

    feed_type = RssWithLanguages

    def stories(self, obj) -> QuerySet[Article]:
        return Article.objects.published()

    def items(self, obj) -> QuerySet[Article]:
        renditions = Rendition.objects.filter(spec=spec_name(*ENCLOSURE)).exclude(
            file=""
        )
        return (
            self.stories(obj)
            .with_relations()
            .prefetch_related(
                Prefetch(
                    "article_photos__photo__renditions",
                    queryset=renditions,
                    to_attr="feed_renditions",
                )
            )[:ITEMS]
        )

    def get_feed(self, obj, request):
        """Make enclosure addresses absolute, as Django does for links."""
        feed = super().get_feed(obj, request)
        domain = get_current_site(request).domain
        for item in feed.items:
            item["enclosures"] = [
                Enclosure(
                    add_domain(domain, enclosure.url, request.is_secure()),
                    enclosure.length,
                    enclosure.mime_type,
                )
                for enclosure in item["enclosures"]
            ]
        return feed

    def item_title(self, item: Article) -> str:
        return escape(item.headline)

    def item_description(self, item: Article) -> str:
        return escape(item.standfirst)

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_significantly_at or item.published_at

    def item_author_name(self, item: Article) -> str | None:
        # One name per author, even with two roles ("By", "Additional reporting by").
        names = dict.fromkeys(byline.author.name for byline in item.bylines.all())
        return ", ".join(names) or item.agency or None

    def item_categories(self, item: Article) -> list[str]:
        section = [item.section.name] if item.section else []
        return section + sorted(tag.name for tag in item.tags.all())

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        """Offer the lead photo; a caption without its picture offers nothing."""
        use = item.lead_photo
        if use is None or not use.photo.image:
            return []
        photo = use.photo
        key = source_key(photo)
        rendition = next(
            (r for r in photo.feed_renditions if r.source_key == key), None
        )
        if rendition is None:
            try:
                rendition = ensure_rendition(photo, *ENCLOSURE)
            except (OSError, Image.DecompressionBombError) as error:
                logger.warning("No enclosure from photo %s: %s", photo.pk, error)
                return []
        return [
            Enclosure(
                rendition_url(photo, *ENCLOSURE),
                str(rendition.bytes),
                CONTENT_TYPES[ENCLOSURE[2]],
            )
        ]

    def item_extra_kwargs(self, item: Article) -> dict:
        return {"language": item.language}


class AtomFeedMixin:
    feed_type = AtomWithLanguages

    def subtitle(self, obj) -> str:
        return self.description(obj)

    def item_title(self, item: Article) -> str:
        return item.headline  # Atom's <title> is text, not HTML.


class SubjectFeed(ArticleFeed):
    """The latest stories of one section, tag or author."""

    model: type
    lookup: str

    def get_object(self, request, slug: str):
        return get_object_or_404(self.model, slug=slug)

    def stories(self, obj) -> QuerySet[Article]:
        return super().stories(obj).filter(**{self.lookup: obj}).distinct()

    def title(self, obj) -> str:
        return f"{settings.SITE_NAME}: {obj}"

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def description(self, obj) -> str:
        return f"The latest published stories: {obj}."


class LatestArticlesFeed(ArticleFeed):
    title = f"{settings.SITE_NAME}: latest stories"
    link = reverse_lazy("articles:home")

    def description(self, obj) -> str:
        return "The latest published stories."


class SectionFeed(SubjectFeed):
    model = Section
    lookup = "section"


class TagFeed(SubjectFeed):
    model = Tag
    lookup = "tags"

    def link(self, obj: Tag) -> str:
        return reverse("articles:tag", kwargs={"slug": obj.slug})


class AuthorFeed(SubjectFeed):
    model = Author
    lookup = "bylines__author"

    def description(self, obj: Author) -> str:
        return f"The latest published stories by {obj}."


class LanguageFeed(ArticleFeed):
    """The latest stories in one language ("en" also takes "en-GB")."""

    def get_object(self, request, code: str) -> str:
        if not Article.objects.published().filter(in_language(code)).exists():
            raise Http404(f"No published story in {code!r}.")
        return code

    def stories(self, obj: str) -> QuerySet[Article]:
        return super().stories(obj).filter(in_language(obj))

    def title(self, obj: str) -> str:
        return f"{settings.SITE_NAME}: {language_name(obj)}"

    def link(self, obj: str) -> str:
        return reverse("articles:home")

    def description(self, obj: str) -> str:
        return f"The latest published stories in {language_name(obj)} ({obj})."

    def get_feed(self, obj: str, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = obj
        return feed


def in_language(code: str) -> Q:
    return Q(language__iexact=code) | Q(language__istartswith=f"{code}-")


class LatestArticlesAtomFeed(AtomFeedMixin, LatestArticlesFeed):
    pass


class SectionAtomFeed(AtomFeedMixin, SectionFeed):
    pass


class TagAtomFeed(AtomFeedMixin, TagFeed):
    pass


class AuthorAtomFeed(AtomFeedMixin, AuthorFeed):
    pass


class LanguageAtomFeed(AtomFeedMixin, LanguageFeed):
    pass
