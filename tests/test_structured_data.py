"""A story page describes the story to search engines and social networks.

The page is read the way crawlers read it: ``extruct`` extracts the JSON-LD and
OpenGraph data, and every field is checked against the story in the database.
"""

import io
from datetime import datetime, timedelta

import extruct
import lxml.html
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from articles.models import Article
from articles.preview import preview_url
from articles.structured_data import LOGO

from . import images
from .factories import make_article, make_author, make_photo, make_section

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


def read_page(client, url: str) -> dict:
    """Fetch ``url`` and return its NewsArticle, OpenGraph, Twitter tags and head."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    found = extruct.extract(
        html, base_url=HOST + url, syntaxes=["json-ld", "opengraph"], uniform=False
    )
    news = [item for item in found["json-ld"] if item.get("@type") == "NewsArticle"]
    assert len(news) == 1, found["json-ld"]
    (og_block,) = found["opengraph"]
    open_graph: dict[str, list[str]] = {}
    for prop, value in og_block["properties"]:
        open_graph.setdefault(prop, []).append(value)
    head = lxml.html.fromstring(html).find("head")
    twitter = {
        meta.get("name"): meta.get("content")
        for meta in head.iterfind("meta")
        if (meta.get("name") or "").startswith("twitter:")
    }
    canonical = [link.get("href") for link in head.iterfind("link[@rel='canonical']")]
    return {
        "html": html,
        "news": news[0],
        "og": open_graph,
        "twitter": twitter,
        "canonical": canonical,
    }


def iso(moment: datetime) -> datetime:
    """The time as the page states it: to the second."""
    return moment.replace(microsecond=0)


def parse(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value} has no UTC offset"
    return parsed


def assert_publisher(news: dict) -> None:
    publisher = news["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == settings.SITE_NAME
    assert publisher["url"] == HOST + "/"
    path, width, height = LOGO
    assert publisher["logo"]["url"] == f"{HOST}{settings.STATIC_URL}{path}"
    assert finders.find(path), "the logo must be a real static file"
    with Image.open(finders.find(path)) as logo:
        assert (
            logo.size
            == (width, height)
            == (
                publisher["logo"]["width"],
                publisher["logo"]["height"],
            )
        )


def person(name: str, slug: str) -> dict:
    return {"@type": "Person", "name": name, "url": f"{HOST}/author/{slug}/"}


def fetch_image(client, url: str) -> tuple[str, tuple[int, int]]:
    """Download a shared picture as a crawler would; give its format and size."""
    assert url.startswith(HOST + "/")
    response = client.get(url.removeprefix(HOST))
    assert response.status_code == 200
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as picture:
        return picture.format, picture.size


@pytest.fixture
def seed_article(seed_path) -> Article:
    call_command(
        "import_articles",
        str(seed_path),
        "--publish",
        "--section",
        "world",
        verbosity=0,
    )
    return Article.objects.get()


@pytest.fixture
def rich_story() -> Article:
    """A story with two reporters (one also in a second role), an agency, tags, a
    dateline, a section, a significant update and a lead photo with its picture."""
    ann = make_author(name="Ann Reporter", slug="ann-reporter")
    bob = make_author(name="Bob Writer", slug="bob-writer")
    photo = make_photo(
        caption="Smoke over the harbour at dawn.",
        alt_text="A column of grey smoke rises above moored fishing boats",
    )
    photo.image.save("harbour.jpg", ContentFile(images.jpeg((1600, 900))))
    photo.width, photo.height = 1600, 900
    photo.save()
    story = make_article(
        headline="Fire closes the harbour",
        standfirst="Ships wait offshore as firefighters work through the night.",
        section=make_section(name="City", slug="city"),
        agency="Reuters",
        dateline="MARSEILLE",
        tags=["Fire", "Ports", "Marseille"],
        authors=[ann, bob],
        photos=[photo],
    )
    story.bylines.create(author=ann, role="Additional reporting by", position=5)
    Article.objects.filter(pk=story.pk).update(
        updated_significantly_at=story.published_at + timedelta(minutes=42)
    )
    story.refresh_from_db()
    story.photo = photo
    return story


def test_seed_story_is_a_news_article_with_every_field_from_the_story(
    client, seed_article
):
    """The imported seed story: text fields, dates, the agency as author, the
    section; its caption came without a picture, so no image anywhere."""
    url = seed_article.get_absolute_url()
    page = read_page(client, url)
    news, og, twitter = page["news"], page["og"], page["twitter"]
    canonical = HOST + url

    assert news["@context"] == "https://schema.org"
    assert news["headline"] == seed_article.headline
    assert news["description"] == seed_article.standfirst
    assert news["inLanguage"] == "en"
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical}
    assert news["url"] == canonical
    assert parse(news["datePublished"]) == iso(seed_article.published_at)
    modified = max(seed_article.published_at, seed_article.updated_at)
    assert parse(news["dateModified"]) == iso(modified)
    assert news["articleSection"] == seed_article.section.name == "World"
    assert seed_article.agency == "AFP"
    assert news["author"] == [{"@type": "Organization", "name": "AFP"}]
    tags = sorted(tag.name for tag in seed_article.tags.all())
    assert sorted(news.get("keywords", [])) == tags
    assert_publisher(news)
    assert "image" not in news
    assert page["canonical"] == [canonical]

    assert og["og:type"] == ["article"]
    assert og["og:title"] == [seed_article.headline]
    assert og["og:description"] == [seed_article.standfirst]
    assert og["og:url"] == [canonical]
    assert og["og:site_name"] == [settings.SITE_NAME]
    assert "og:image" not in og
    assert og["article:published_time"] == [news["datePublished"]]
    assert og["article:modified_time"] == [news["dateModified"]]
    assert og["article:section"] == ["World"]
    assert sorted(og.get("article:tag", [])) == tags

    assert twitter == {
        "twitter:card": "summary",
        "twitter:title": seed_article.headline,
        "twitter:description": seed_article.standfirst,
    }


def test_rich_story_names_its_people_agency_tags_and_pictures(client, rich_story):
    """Bylines as Persons (once each, linked to their pages), then the agency as an
    Organization; the photo's 16:9 and 1:1 JPEGs, real files of the stated size."""
    url = rich_story.get_absolute_url()
    page = read_page(client, url)
    news, og, twitter = page["news"], page["og"], page["twitter"]
    canonical = HOST + url

    assert news["headline"] == "Fire closes the harbour"
    assert news["description"] == rich_story.standfirst
    assert news["url"] == news["mainEntityOfPage"]["@id"] == canonical
    assert page["canonical"] == [canonical]
    assert parse(news["datePublished"]) == iso(rich_story.published_at)
    assert parse(news["dateModified"]) == iso(rich_story.updated_significantly_at)
    assert news["author"] == [
        person("Ann Reporter", "ann-reporter"),
        person("Bob Writer", "bob-writer"),
        {"@type": "Organization", "name": "Reuters"},
    ]
    for reporter in news["author"][:2]:
        assert client.get(reporter["url"].removeprefix(HOST)).status_code == 200
    assert news["articleSection"] == "City"
    assert sorted(news["keywords"]) == ["Fire", "Marseille", "Ports"]
    assert news["dateline"] == "MARSEILLE"
    assert news["inLanguage"] == "en"
    assert_publisher(news)

    wide, square = news["image"]
    photo_prefix = f"{HOST}/img/{rich_story.photo.pk}/"
    assert wide.startswith(photo_prefix) and wide.endswith("/16x9-1280.jpg")
    assert square.startswith(photo_prefix) and square.endswith(".jpg")
    assert fetch_image(client, wide) == ("JPEG", (1280, 720))
    square_format, (square_width, square_height) = fetch_image(client, square)
    assert square_format == "JPEG" and square_width == square_height >= 640

    assert og["og:type"] == ["article"]
    assert og["og:title"] == [rich_story.headline]
    assert og["og:description"] == [rich_story.standfirst]
    assert og["og:url"] == [canonical]
    assert og["og:site_name"] == [settings.SITE_NAME]
    assert og["og:image"] == [wide]
    assert og["og:image:type"] == ["image/jpeg"]
    assert (og["og:image:width"], og["og:image:height"]) == (["1280"], ["720"])
    assert og["og:image:alt"] == [rich_story.photo.alt_text]
    assert og["article:published_time"] == [news["datePublished"]]
    assert og["article:modified_time"] == [news["dateModified"]]
    assert og["article:section"] == ["City"]
    assert sorted(og["article:tag"]) == ["Fire", "Marseille", "Ports"]

    assert twitter == {
        "twitter:card": "summary_large_image",
        "twitter:title": rich_story.headline,
        "twitter:description": rich_story.standfirst,
        "twitter:image": wide,
        "twitter:image:alt": rich_story.photo.alt_text,
    }


def test_arabic_story_states_its_language(client):
    story = make_article(headline="خبر عاجل من بغداد", language="ar")
    news = read_page(client, story.get_absolute_url())["news"]
    assert news["inLanguage"] == "ar"
    assert news["headline"] == "خبر عاجل من بغداد"


def test_story_without_byline_or_agency_is_credited_to_the_publisher(client):
    story = make_article()
    news = read_page(client, story.get_absolute_url())["news"]
    assert news["author"] == [news["publisher"]]


def test_modified_time_is_never_before_publication(client):
    """A story scheduled ahead and left untouched was last saved before it went
    live: it reads as modified when it was published."""
    story = make_article()
    Article.objects.filter(pk=story.pk).update(
        updated_at=story.published_at - timedelta(days=2)
    )
    news = read_page(client, story.get_absolute_url())["news"]
    assert parse(news["dateModified"]) == parse(news["datePublished"])


def test_json_ld_keeps_markup_in_text_as_text(client):
    """A headline closing the script element stays inside the JSON, whole."""
    headline = "</script><script>alert(1)</script> & <!-- \u2028"
    story = make_article(headline=headline, standfirst="<b>bold</b> claims")
    page = read_page(client, story.get_absolute_url())
    assert page["news"]["headline"] == headline
    assert page["news"]["description"] == "<b>bold</b> claims"
    assert "<script>alert(1)" not in page["html"]
    assert page["og"]["og:title"] == [headline]


def test_preview_names_the_public_address_as_canonical(client):
    draft = make_article(status=Article.Status.DRAFT)
    response = client.get(preview_url(draft))
    html = response.content.decode()
    canonical = HOST + draft.get_absolute_url()
    assert html.count('rel="canonical"') == 1
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_published_time_is_in_the_site_time_zone(client, settings):
    settings.TIME_ZONE = "Europe/Paris"
    moment = timezone.make_aware(
        datetime(2025, 7, 1, 9, 30), timezone.get_fixed_timezone(0)
    )
    story = make_article(published_at=moment)
    news = read_page(client, story.get_absolute_url())["news"]
    assert news["datePublished"] == "2025-07-01T11:30:00+02:00"
