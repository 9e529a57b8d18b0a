"""Sitemaps (index, stories, Google News, sections, tags) and robots.txt."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from lxml import etree

from articles.models import Article
from articles.sitemaps import news_language

from .factories import make_article, make_section

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture
def schemas(shared_samples: Path) -> dict[str, etree.XMLSchema]:
    """The sitemaps.org schemas; urlsets with news: elements need the wrapper."""
    folder = shared_samples / "schemas"
    return {
        "sitemapindex": etree.XMLSchema(etree.parse(folder / "siteindex.xsd")),
        "urlset": etree.XMLSchema(etree.parse(folder / "sitemap-all.xsd")),
    }


def fetch_xml(client, url: str) -> etree._Element:
    response = client.get(url.removeprefix(BASE))
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return etree.fromstring(response.content)


def assert_valid(document: etree._Element, schemas: dict) -> None:
    schema = schemas[etree.QName(document).localname]
    assert schema.validate(document), schema.error_log


def locations(document: etree._Element) -> list[str]:
    return document.xpath("//sm:loc/text()", namespaces=NS)


def sitemap_urls(client) -> dict[str, str]:
    """Read the index: {section name: absolute URL}."""
    index = fetch_xml(client, reverse("articles:sitemap_index"))
    return {
        url.rsplit("sitemap-", 1)[1].removesuffix(".xml"): url
        for url in locations(index)
    }


@pytest.fixture
def desk():
    """Published stories of today and of last week, and stories readers cannot see."""
    now = timezone.now()
    world = make_section(name="World", slug="world")
    make_section(name="Empty", slug="empty")
    fresh = make_article(
        headline="Mosul retaken", section=world, tags=["Iraq"], language="en-GB"
    )
    arabic = make_article(
        headline="القوات العراقية تدخل الموصل", section=world, language="ar"
    )
    old = make_article(
        headline="Last week's story",
        tags=["Oil"],
        published_at=now - timedelta(days=2, minutes=5),
    )
    hidden = [
        make_article(headline="A draft", status=Article.Status.DRAFT, tags=["Secret"]),
        make_article(headline="Scheduled", published_at=now + timedelta(hours=1)),
        make_article(headline="Embargoed", embargo_until=now + timedelta(hours=1)),
        make_article(headline="Withdrawn", status=Article.Status.WITHDRAWN),
    ]
    return {"fresh": fresh, "arabic": arabic, "old": old, "hidden": hidden}


def test_every_sitemap_validates_against_the_sitemaps_org_schemas(
    client, desk, schemas
):
    index = fetch_xml(client, reverse("articles:sitemap_index"))
    assert_valid(index, schemas)
    urls = locations(index)
    assert [url.removeprefix(BASE) for url in urls] == [
        reverse("articles:sitemap", kwargs={"section": name})
        for name in ("stories", "news", "sections", "tags")
    ]
    for url in urls:
        assert_valid(fetch_xml(client, url), schemas)


def test_index_gives_each_sitemap_an_absolute_address_and_lastmod(client, desk):
    index = fetch_xml(client, reverse("articles:sitemap_index"))
    for sitemap in index.iterfind("sm:sitemap", NS):
        assert sitemap.findtext("sm:loc", namespaces=NS).startswith(BASE + "/sitemap-")
        assert parse_datetime(sitemap.findtext("sm:lastmod", namespaces=NS))


def test_story_sitemap_lists_published_stories_with_their_last_change(client, desk):
    """Drafts, scheduled, embargoed and withdrawn stories are never listed."""
    document = fetch_xml(client, sitemap_urls(client)["stories"])
    listed = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in document.iterfind("sm:url", NS)
    }
    stories = [desk["fresh"], desk["arabic"], desk["old"]]
    assert listed == {
        BASE + story.get_absolute_url(): f"{story.updated_at:%Y-%m-%d}"
        for story in stories
    }


def test_news_sitemap_lists_only_the_last_two_days_with_publication_details(
    client, desk
):
    document = fetch_xml(client, sitemap_urls(client)["news"])
    assert document.nsmap["news"] == NS["news"]
    entries = {
        url.findtext("sm:loc", namespaces=NS): url.find("news:news", NS)
        for url in document.iterfind("sm:url", NS)
    }
    assert set(entries) == {
        BASE + desk["fresh"].get_absolute_url(),
        BASE + desk["arabic"].get_absolute_url(),
    }
    for story, language in ((desk["fresh"], "en"), (desk["arabic"], "ar")):
        news = entries[BASE + story.get_absolute_url()]
        assert news.findtext("news:publication/news:name", namespaces=NS) == (
            settings.SITE_NAME
        )
        assert news.findtext("news:publication/news:language", namespaces=NS) == (
            language
        )
        assert news.findtext("news:title", namespaces=NS) == story.headline
        published = parse_datetime(
            news.findtext("news:publication_date", namespaces=NS)
        )
        assert published == story.published_at.replace(microsecond=0)


def test_sections_and_tags_are_listed_while_they_hold_a_published_story(client, desk):
    urls = sitemap_urls(client)
    sections = locations(fetch_xml(client, urls["sections"]))
    assert sections == [BASE + reverse("articles:section", kwargs={"slug": "world"})]
    tags = locations(fetch_xml(client, urls["tags"]))
    assert tags == [
        BASE + reverse("articles:tag", kwargs={"slug": slug})
        for slug in ("iraq", "oil")
    ]


def test_empty_sitemaps_are_left_out_of_the_index(client, schemas):
    """A <urlset> without a <url> is invalid: with no recent story, no news sitemap."""
    make_article(published_at=timezone.now() - timedelta(days=3))
    index = fetch_xml(client, reverse("articles:sitemap_index"))
    assert_valid(index, schemas)
    assert set(sitemap_urls(client)) == {"stories"}


def test_unknown_sitemap_is_not_found(client):
    url = reverse("articles:sitemap", kwargs={"section": "authors"})
    assert client.get(url).status_code == 404


def test_imported_seed_story_is_in_the_story_and_news_sitemaps(
    client, seed_path, schemas
):
    call_command("import_articles", str(seed_path), "--publish", verbosity=0)
    story = Article.objects.get()
    urls = sitemap_urls(client)
    for name in ("stories", "news"):
        document = fetch_xml(client, urls[name])
        assert_valid(document, schemas)
        assert locations(document) == [BASE + story.get_absolute_url()]


@pytest.mark.parametrize(
    "code, expected",
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("pt_BR", "pt"),
        ("ar", "ar"),
        ("zh-Hans", "zh-cn"),
        ("zh-TW", "zh-tw"),
        ("zh-Hant-HK", "zh-tw"),
        ("", "en"),
        ("english", "en"),
    ],
)
def test_news_language_is_the_iso_639_code_google_news_expects(code, expected):
    assert news_language(code) == expected


def test_robots_txt_names_the_sitemap_index_and_keeps_crawlers_off_private_pages(
    client,
):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {BASE}{reverse('articles:sitemap_index')}" in lines
    for prefix in ("/admin/", "/preview/", "/search/"):
        assert f"Disallow: {prefix}" in lines
    # The prefixes are the real addresses of the admin and of preview links.
    assert reverse("admin:index").startswith("/admin/")
    assert reverse("articles:preview", kwargs={"token": "x"}).startswith("/preview/")


def test_robots_txt_gives_the_address_readers_used(client):
    """Behind TLS the index is announced over https, on the host that was asked."""
    response = client.get("/robots.txt", secure=True, HTTP_HOST="localhost")
    assert "Sitemap: https://localhost/sitemap.xml" in response.content.decode()
