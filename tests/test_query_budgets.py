"""Every public page, and the admin's lists, cost a fixed number of SQL queries.

Each page is measured listing one story, then again after forty-nine more arrive,
every story with two tags, two bylines and a lead photo: both requests must stay
within the page's budget and make exactly as many queries, so a query per listed
item cannot hide under a generous budget. The page cache is emptied before each
measured request, so it hides no query either.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from articles.feeds import ENCLOSURE
from articles.models import Article, Author, Photo, Section
from photos.renditions import ensure_rendition
from tests import images
from tests.factories import (
    make_article,
    make_author,
    make_photo,
    make_section,
    make_user,
)

# The most queries each page may make, whether it lists one story or fifty. A page
# the cache must compute also asks when it next changes by time alone (pagecache).
BUDGETS = {
    "home": 10,
    "story": 12,
    "section": 11,
    "tag": 10,
    "author": 10,
    "search": 11,  # +2 a tenfold archive: articles.search.newest_matches
    "archive_year": 13,
    "archive_month": 13,
    "archive_day": 14,
    "feed": 7,
    "feed_atom": 7,
    "section_feed": 8,
    "section_feed_atom": 8,
    "tag_feed": 8,
    "tag_feed_atom": 8,
    "author_feed": 8,
    "author_feed_atom": 8,
    "sitemap_index": 14,
    "sitemap_stories": 5,
    "sitemap_news": 5,
    "sitemap_sections": 4,
    "sitemap_tags": 4,
    "api_list": 7,
    "api_detail": 6,
}
ADMIN_BUDGETS = {
    "admin:articles_article_changelist": 14,
    "admin:articles_photo_changelist": 8,
}
# Noon yesterday, local time: fifty stories a minute apart fall on one day.
DAY = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) - (
    timedelta(days=1)
)


class Desk:
    """One section, one tag and one author shared by every story, and a picture."""

    def __init__(self, *, enclosures: bool = False) -> None:
        self.enclosures = enclosures
        self.section: Section = make_section(slug="world", name="World")
        self.author: Author = make_author(slug="ann-writer", name="Ann Writer")
        picture = make_photo()
        picture.image.save("budget.jpg", ContentFile(images.jpeg((480, 270))))
        self.image_name = picture.image.name
        self.stories: list[Article] = []

    def add_stories(self, count: int) -> None:
        """Publish ``count`` more stories, each with its own photo and second tag
        and byline. With ``enclosures``, make each photo's feed enclosure first, as
        the first feed request after a photo arrives does (once per photo)."""
        for _ in range(count):
            n = len(self.stories)
            photo = make_photo(alt_text=f"Picture {n}", width=480, height=270)
            Photo.objects.filter(pk=photo.pk).update(image=self.image_name)
            photo.refresh_from_db()
            if self.enclosures:
                ensure_rendition(photo, *ENCLOSURE)
            self.stories.append(
                make_article(
                    headline=f"Harbour story {n}",
                    section=self.section,
                    published_at=DAY - timedelta(minutes=n),
                    tags=["harbour", f"topic {n}"],
                    authors=[self.author, make_author()],
                    photos=[photo],
                )
            )

    def addresses(self) -> dict[str, str]:
        day = timezone.localtime(DAY)
        ymd = {"year": f"{day:%Y}", "month": f"{day:%m}", "day": f"{day:%d}"}
        slugs = {"section": self.section.slug, "author": self.author.slug}
        story = self.stories[0]

        def url(name: str, **kwargs) -> str:
            return reverse(f"articles:{name}", kwargs=kwargs)

        return {
            "home": url("home"),
            "story": story.get_absolute_url(),
            "section": url("section", slug=slugs["section"]),
            "tag": url("tag", slug="harbour"),
            "author": url("author", slug=slugs["author"]),
            "search": url("search") + "?q=harbour",
            "archive_year": url("archive_year", year=ymd["year"]),
            "archive_month": url("archive_month", year=ymd["year"], month=ymd["month"]),
            "archive_day": url("archive_day", **ymd),
            "feed": url("feed"),
            "feed_atom": url("feed_atom"),
            "section_feed": url("section_feed", slug=slugs["section"]),
            "section_feed_atom": url("section_feed_atom", slug=slugs["section"]),
            "tag_feed": url("tag_feed", slug="harbour"),
            "tag_feed_atom": url("tag_feed_atom", slug="harbour"),
            "author_feed": url("author_feed", slug=slugs["author"]),
            "author_feed_atom": url("author_feed_atom", slug=slugs["author"]),
            "sitemap_index": url("sitemap_index"),
            "sitemap_stories": url("sitemap", section="stories"),
            "sitemap_news": url("sitemap", section="news"),
            "sitemap_sections": url("sitemap", section="sections"),
            "sitemap_tags": url("sitemap", section="tags"),
            "api_list": url("api_articles") + "?page_size=100",
            "api_detail": url("api_article", pk=story.pk),
        }


@pytest.fixture(autouse=True)
def own_cache(settings):
    """Measure with a cache of this test's own: emptying it touches nobody else's."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "query-budgets",
        }
    }
    settings.PAGE_CACHE = True


def measure_with_one_story_then_fifty(
    client, assert_max_queries, budget: int, address: str | None = None, page=None
) -> list[int]:
    """Request the page with one story and with fifty; return both query counts."""
    desk = Desk(enclosures="feed" in (page or ""))
    counts = []
    for total in (1, 50):
        desk.add_stories(total - len(desk.stories))
        url = address or desk.addresses()[page]
        cache.clear()
        info = f"{url} with {total} stories"
        with assert_max_queries(budget, info=info) as queries:
            response = client.get(url)
        assert response.status_code == 200, info
        counts.append(len(queries))
    return counts


@pytest.mark.django_db
@pytest.mark.parametrize("page", BUDGETS)
def test_public_page_costs_the_same_queries_for_one_story_or_fifty(
    page, client, django_assert_max_num_queries
):
    one, fifty = measure_with_one_story_then_fifty(
        client, django_assert_max_num_queries, BUDGETS[page], page=page
    )
    assert one == fifty, f"{page}: {one} queries for one story, {fifty} for fifty"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMIN_BUDGETS)
def test_admin_list_costs_the_same_queries_for_one_story_or_fifty(
    name, client, django_assert_max_num_queries
):
    editor = make_user("desk-editor", superuser=False)
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    one, fifty = measure_with_one_story_then_fifty(
        client, django_assert_max_num_queries, ADMIN_BUDGETS[name], reverse(name)
    )
    assert one == fifty, f"{name}: {one} queries for one story, {fifty} for fifty"
