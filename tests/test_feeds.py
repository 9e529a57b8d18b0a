"""RSS 2.0 and Atom feeds: latest stories, per section, tag and author."""

import html
import io
import re
from datetime import timedelta

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article
from photos.models import Rendition

from .factories import make_article, make_author, make_photo, make_section

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
FEEDS = [
    ("latest", "articles:feed"),
    ("latest", "articles:feed_atom"),
    ("section", "articles:section_feed"),
    ("section", "articles:section_feed_atom"),
    ("tag", "articles:tag_feed"),
    ("tag", "articles:tag_feed_atom"),
    ("author", "articles:author_feed"),
    ("author", "articles:author_feed_atom"),
]
each_feed = pytest.mark.parametrize(
    "subject, url_name", FEEDS, ids=[name.split(":")[1] for _, name in FEEDS]
)
rss_and_atom = pytest.mark.parametrize(
    "url_name", ["articles:feed", "articles:feed_atom"]
)


def jpeg(size=(1200, 800)) -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def photo_with_image(**fields):
    photo = make_photo(alt_text="Boats on a river", **fields)
    photo.image.save("boats.jpg", ContentFile(jpeg()))
    return photo


def read_feed(client, url: str) -> feedparser.FeedParserDict:
    """Fetch a feed and parse it as a feed reader would; it must be well-formed."""
    response = client.get(url)
    assert response.status_code == 200
    kind = "atom" if url.endswith("/atom/") else "rss"
    assert response["Content-Type"] == f"application/{kind}+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == ("atom10" if kind == "atom" else "rss20")
    return feed


def feed_url(url_name: str, subject: str, desk: dict) -> str:
    if subject == "latest":
        return reverse(url_name)
    return reverse(url_name, kwargs={"slug": desk[subject].slug})


def page_url(subject: str, desk: dict) -> str:
    if subject == "latest":
        return reverse("articles:home")
    return reverse(f"articles:{subject}", kwargs={"slug": desk[subject].slug})


@pytest.fixture
def desk():
    """One section, tag and author, with stories readers may and may not see."""
    world = make_section(name="World", slug="world")
    ann = make_author(name="Ann Reporter", slug="ann-reporter")
    bob = make_author(name="Bob Writer", slug="bob-writer")
    shared = {"section": world, "tags": ["Iraq", "Oil"], "authors": [ann]}
    now = timezone.now()
    lead = make_article(
        headline="Mosul retaken",
        standfirst="Iraqi forces enter the old city.",
        section=world,
        tags=["Iraq", "Oil"],
        authors=[ann, bob],
        photos=[photo_with_image(caption="Troops in Mosul")],
        published_at=now - timedelta(hours=2),
    )
    hidden = [
        make_article(headline="A draft", status=Article.Status.DRAFT, **shared),
        make_article(headline="In review", status=Article.Status.REVIEW, **shared),
        make_article(
            headline="Scheduled", published_at=now + timedelta(hours=1), **shared
        ),
        make_article(
            headline="Under embargo", embargo_until=now + timedelta(hours=1), **shared
        ),
        make_article(headline="Withdrawn", status=Article.Status.WITHDRAWN, **shared),
    ]
    elsewhere = make_article(
        headline="Football results",
        section=make_section(name="Sport", slug="sport"),
        tags=["Football"],
        authors=[make_author(name="Cy Sports", slug="cy-sports")],
    )
    tag = lead.tags.get(name="Iraq")
    return {
        "section": world,
        "tag": tag,
        "author": ann,
        "lead": lead,
        "hidden": hidden,
        "elsewhere": elsewhere,
    }


@each_feed
def test_every_feed_parses_cleanly_and_lists_only_published_stories(
    client, desk, subject, url_name
):
    """Drafts, stories in review, scheduled, embargoed and withdrawn stay out."""
    feed = read_feed(client, feed_url(url_name, subject, desk))
    titles = {html.unescape(entry.title) for entry in feed.entries}
    expected = {"Mosul retaken"} | (
        {"Football results"} if subject == "latest" else set()
    )
    assert titles == expected
    assert feed.feed.language == "en"
    assert feed.feed.link == BASE + page_url(subject, desk)


@each_feed
def test_entries_carry_their_link_dates_categories_and_authors(
    client, desk, subject, url_name
):
    feed = read_feed(client, feed_url(url_name, subject, desk))
    (entry,) = [e for e in feed.entries if "Mosul" in e.title]
    lead = desk["lead"]
    assert entry.link == BASE + lead.get_absolute_url()
    assert entry.id == BASE + lead.get_absolute_url()
    assert [tag.term for tag in entry.tags] == ["World", "Iraq", "Oil"]
    assert entry.author == "Ann Reporter, Bob Writer"
    assert entry.published_parsed[:6] == lead.published_at.utctimetuple()[:6]
    assert html.unescape(entry.summary) == "Iraqi forces enter the old city."


def test_updated_date_is_the_significant_update(client, desk):
    lead = desk["lead"]
    later = lead.published_at + timedelta(minutes=30)
    Article.objects.filter(pk=lead.pk).update(updated_significantly_at=later)
    feed = read_feed(client, reverse("articles:feed_atom"))
    (entry,) = [e for e in feed.entries if e.title == "Mosul retaken"]
    assert entry.updated_parsed[:6] == later.utctimetuple()[:6]
    assert entry.published_parsed[:6] == lead.published_at.utctimetuple()[:6]


@rss_and_atom
def test_agency_is_the_author_of_a_story_without_bylines(client, url_name):
    make_article(headline="Wire copy", agency="AFP")
    (entry,) = read_feed(client, reverse(url_name)).entries
    assert entry.author == "AFP"


@rss_and_atom
def test_readers_show_headlines_and_standfirsts_as_typed(client, url_name):
    """RSS readers take a title as HTML and Atom's is text: both show what was typed."""
    make_article(headline="Tom & Jerry <b>return</b>", standfirst="Cats & <mice>")
    (entry,) = read_feed(client, reverse(url_name)).entries
    if url_name.endswith("atom"):
        assert entry.title_detail.type == "text/plain"
        assert entry.title == "Tom & Jerry <b>return</b>"
    else:
        assert html.unescape(entry.title) == "Tom & Jerry <b>return</b>"
    assert html.unescape(entry.summary) == "Cats & <mice>"


@rss_and_atom
def test_lead_photo_is_an_enclosure_with_the_size_of_its_jpeg(client, desk, url_name):
    feed = read_feed(client, reverse(url_name))
    (entry,) = [e for e in feed.entries if "Mosul" in e.title]
    (enclosure,) = entry.enclosures
    rendition = Rendition.objects.get(spec="16x9-960.jpg")
    assert enclosure.type == "image/jpeg"
    assert enclosure.length == str(rendition.bytes)
    assert enclosure.href.startswith(BASE + "/img/")
    picture = client.get(enclosure.href.removeprefix(BASE))
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/jpeg"
    assert len(b"".join(picture.streaming_content)) == rendition.bytes


@rss_and_atom
def test_caption_without_its_picture_gives_no_enclosure(client, url_name):
    make_article(photos=[make_photo(caption="Picture to follow")])
    (entry,) = read_feed(client, reverse(url_name)).entries
    assert entry.enclosures == []


def test_unreadable_picture_gives_no_enclosure_but_the_feed_still_works(client):
    photo = make_photo()
    photo.image.save("broken.jpg", ContentFile(b"not a picture"))
    make_article(headline="Broken picture", photos=[photo])
    (entry,) = read_feed(client, reverse("articles:feed")).entries
    assert entry.title == "Broken picture"
    assert entry.enclosures == []


@each_feed
def test_feed_queries_do_not_grow_with_its_stories(
    client, desk, subject, url_name, django_assert_max_num_queries
):
    """Bylines, tags, photos and their renditions are fetched once for all stories."""
    url = feed_url(url_name, subject, desk)
    author = desk["author"]
    for n in range(6):
        make_article(
            section=desk["section"],
            tags=["Iraq", f"Topic {n}"],
            authors=[author, make_author()],
            photos=[photo_with_image(), make_photo()],
        )
    read_feed(client, url)  # the first reading makes the missing renditions
    with django_assert_max_num_queries(8):
        feed = read_feed(client, url)
    assert len(feed.entries) == (8 if subject == "latest" else 7)
    assert all(
        len(entry.enclosures) == 1
        for entry in feed.entries
        if "Football" not in entry.title
    )


def test_each_story_names_its_language(client):
    """Feeds mix languages: RSS says so with dc:language, Atom with xml:lang."""
    make_article(headline="القوات العراقية تدخل الموصل", language="ar")
    make_article(headline="English story", language="en")
    rss = read_feed(client, reverse("articles:feed"))
    assert {e.title: e.language for e in rss.entries} == {
        "القوات العراقية تدخل الموصل": "ar",
        "English story": "en",
    }
    atom = read_feed(client, reverse("articles:feed_atom"))
    assert {e.title: e.title_detail.language for e in atom.entries} == {
        "القوات العراقية تدخل الموصل": "ar",
        "English story": "en",
    }


def test_imported_seed_story_appears_in_the_feeds(client, seed_path):
    call_command("import_articles", str(seed_path), "--publish", verbosity=0)
    story = Article.objects.get()
    for url_name in ("articles:feed", "articles:feed_atom"):
        (entry,) = read_feed(client, reverse(url_name)).entries
        assert html.unescape(entry.title) == story.headline
        assert entry.link == BASE + story.get_absolute_url()


@pytest.mark.parametrize(
    "url_name",
    ["articles:section_feed", "articles:tag_feed_atom", "articles:author_feed"],
)
def test_feed_of_an_unknown_subject_is_not_found(client, url_name):
    assert client.get(reverse(url_name, kwargs={"slug": "nobody"})).status_code == 404


def test_every_page_advertises_the_rss_and_atom_feeds(client, desk):
    """Feed readers and browsers find the feeds from any page (autodiscovery)."""
    for url in (reverse("articles:home"), desk["lead"].get_absolute_url()):
        page = client.get(url).content.decode()
        links = re.findall(
            r'<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"', page
        )
        assert ("application/rss+xml", reverse("articles:feed")) in links
        assert ("application/atom+xml", reverse("articles:feed_atom")) in links
