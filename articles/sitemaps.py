"""Sitemaps of stories, sections and tags, a Google News sitemap, and robots.txt.

Every sitemap starts from ``Article.objects.published()``; sections and tags are
listed while they hold a published story, with that story's time as ``lastmod``.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import DateTimeField, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from taggit.models import Tag

from .models import Article, Section

# Google News lists stories of the last two days, at most 1,000 per sitemap.
NEWS_DAYS = 2
NEWS_LIMIT = 1000


class StorySitemap(Sitemap):
    def items(self) -> QuerySet[Article]:
        return Article.objects.published().only(
            "slug", "published_at", "updated_at", "language", "translation_of"
        )

    def lastmod(self, item: Article):
        return item.updated_at

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        """Give each translated story its language alternates (``xhtml:link``)."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        groups = translation_groups([url["item"] for url in urls])
        for url in urls:
            item = url["item"]
            versions = groups.get(item.translation_of_id or item.pk, [])
            url["alternates"] = [
                {"lang_code": v.language, "location": origin + v.get_absolute_url()}
                for v in versions
            ]
        return urls

    def get_latest_lastmod(self):
        """Ask the database, rather than loading every story, for the index."""
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class NewsSitemap(StorySitemap):
    """Stories of the last two days, with Google News' publication details."""

    template_name = "articles/sitemap_news.xml"
    limit = NEWS_LIMIT

    def items(self) -> QuerySet[Article]:
        since = timezone.now() - timedelta(days=NEWS_DAYS)
        return (
            super()
            .items()
            .filter(published_at__gte=since)
            .only(
                "slug",
                "published_at",
                "updated_at",
                "headline",
                "language",
                "translation_of",
            )
        )

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            article = url["item"]
            url["news"] = {
                "publication": settings.SITE_NAME,
                "language": news_language(article.language),
                "publication_date": article.published_at.replace(microsecond=0),
                "title": article.headline,
            }
        return urls


def translation_groups(stories: list[Article]) -> dict[int, list[Article]]:
    """Published language versions by group, for groups with two or more (1 query)."""
    roots = {story.translation_of_id for story in stories if story.translation_of_id}
    roots |= {story.pk for story in stories}
    versions = (
        Article.objects.published()
        .filter(Q(pk__in=roots) | Q(translation_of__in=roots))
        .only("slug", "published_at", "language", "translation_of")
        .order_by("language", "pk")
    )
    groups: dict[int, list[Article]] = {}
    for version in versions:
        groups.setdefault(version.translation_of_id or version.pk, []).append(version)
    return {root: group for root, group in groups.items() if len(group) > 1}


def news_language(code: str) -> str:
    """Give the ISO 639 code Google News wants: "en-GB" → "en", "zh-Hant" → "zh-tw"."""
    code = code.strip().lower().replace("_", "-")
    primary = code.split("-")[0]
    if primary == "zh":
        traditional = "hant" in code or code in {"zh-tw", "zh-hk", "zh-mo"}
        return "zh-tw" if traditional else "zh-cn"
    if re.fullmatch(r"[a-z]{2,3}", primary):
        return primary
    return news_language(settings.LANGUAGE_CODE)


def latest_story_update(**lookup) -> Subquery:
    """The newest ``updated_at`` of the published stories matching ``lookup``."""
    stories = Article.objects.published().filter(**lookup).order_by("-updated_at")
    return Subquery(stories.values("updated_at")[:1], output_field=DateTimeField())


class SectionSitemap(Sitemap):
    def items(self) -> QuerySet[Section]:
        return (
            Section.objects.annotate(latest=latest_story_update(section=OuterRef("pk")))
            .filter(latest__isnull=False)
            .order_by("position", "name")
        )

    def lastmod(self, item: Section):
        return item.latest


class TagSitemap(Sitemap):
    def items(self) -> QuerySet[Tag]:
        return (
            Tag.objects.annotate(latest=latest_story_update(tags=OuterRef("pk")))
            .filter(latest__isnull=False)
            .order_by("name", "pk")
        )

    def location(self, item: Tag) -> str:
        return reverse("articles:tag", kwargs={"slug": item.slug})

    def lastmod(self, item: Tag):
        return item.latest


SITEMAPS = {
    "stories": StorySitemap,
    "news": NewsSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
}


def index(request: HttpRequest) -> HttpResponse:
    """List the sitemaps that have addresses: an empty ``<urlset>`` is invalid."""
    sitemaps = {
        name: sitemap
        for name, kind in SITEMAPS.items()
        if (sitemap := kind()).paginator.count
    }
    return sitemap_views.index(request, sitemaps, sitemap_url_name="articles:sitemap")


def sitemap(request: HttpRequest, section: str) -> HttpResponse:
    """Serve one sitemap; the news sitemap has its own template for its namespace."""
    if section not in SITEMAPS:
        raise Http404(f"No sitemap {section!r}.")
    template_name = getattr(SITEMAPS[section], "template_name", "sitemap.xml")
    return sitemap_views.sitemap(
        request, SITEMAPS, section=section, template_name=template_name
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Point crawlers at the sitemap index; keep them off private and endless pages."""
    index_url = request.build_absolute_uri(reverse("articles:sitemap_index"))
    return render(
        request,
        "articles/robots.txt",
        {"sitemap_index_url": index_url},
        content_type="text/plain; charset=utf-8",
    )
