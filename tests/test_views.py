import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticlePhoto, Byline, Correction

from .factories import make_article, make_author, make_photo, make_section

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    """Return the page's text without tags, with whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def seed_article(seed_path):
    call_command(
        "import_articles",
        str(seed_path),
        "--publish",
        "--section",
        "world",
        verbosity=0,
    )
    return Article.objects.get()


def test_seed_story_page_reads_as_a_news_article(client, seed_article, seed_path):
    """Headline, standfirst, the caption once with AFP, all 12 paragraphs in order."""
    html = client.get(seed_article.get_absolute_url()).content.decode()
    source = [p.strip() for p in seed_path.read_text().split("\n\n") if p.strip()]
    headline, standfirst, caption_block, caption_repeat, *body, stray = source
    caption = caption_block.removesuffix("\nAFP")
    assert caption == caption_repeat
    assert f"<h1>{headline}</h1>" in html
    assert standfirst in html
    assert html.count(caption) == 1
    assert re.search(
        r"<figure[^>]*>.*<figcaption>.*AFP.*</figcaption>.*</figure>", html, re.S
    )
    assert len(body) == 12
    text = visible_text(html.replace("&quot;", '"').replace("&#x27;", "'"))
    positions = [text.index(paragraph) for paragraph in body]
    assert positions == sorted(positions)
    assert stray == "Route 6"
    assert "Route 6" not in html


def test_draft_is_not_found_for_readers(client):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_future_story_is_not_found_until_its_time(client):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_article_page_shows_bylines_agency_dateline_tags_and_corrections(client):
    section = make_section(name="City")
    ann, bob = make_author(name="Ann Reporter"), make_author(name="Bob Writer")
    article = make_article(
        kicker="Analysis",
        dateline="LYON",
        agency="Reuters",
        section=section,
        authors=[ann, bob],
        tags=["Transport", "Budget"],
    )
    Correction.objects.create(
        article=article, text="An earlier version misspelled the mayor's name."
    )
    html = client.get(article.get_absolute_url()).content.decode()
    for expected in [
        "Analysis",
        "LYON",
        "Reuters",
        "Ann Reporter",
        "Bob Writer",
        "City",
    ]:
        assert expected in html
    assert 'href="/tag/transport/"' in html
    assert "misspelled the mayor" in html
    assert 'lang="en" dir="ltr"' in html


def test_arabic_story_renders_right_to_left(client):
    article = make_article(headline="خبر عاجل", language="ar")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'lang="ar" dir="rtl"' in html


def test_article_page_costs_the_same_queries_however_rich_the_story(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    """A story with one of everything and one with many of everything cost the same."""
    small = make_article(authors=[make_author()], photos=[make_photo()], tags=["One"])
    big = make_article(
        authors=[make_author() for _ in range(6)],
        photos=[make_photo() for _ in range(6)],
        tags=[f"Tag {n}" for n in range(8)],
        section=make_section(),
    )
    for _ in range(4):
        Correction.objects.create(article=big, text="Fixed.")
    client.get(small.get_absolute_url())  # warm the content-type cache
    cache.clear()  # every part of the page rendered afresh, as on its first request
    # Story, bylines, photos, tags, corrections, navigation; related; section's
    # latest; the next scheduled change (stories, pins) that ends the lists' life.
    with django_assert_max_num_queries(11) as small_queries:
        assert client.get(small.get_absolute_url()).status_code == 200
    cache.clear()
    with django_assert_num_queries(len(small_queries)):
        assert client.get(big.get_absolute_url()).status_code == 200


def test_home_leads_with_the_latest_story_and_its_photo(client):
    make_article(
        headline="Older story", published_at=timezone.now() - timedelta(days=1)
    )
    latest = make_article(
        headline="Latest story", photos=[make_photo(caption="Crowds at dawn")]
    )
    html = client.get(reverse("articles:home")).content.decode()
    assert html.index("Latest story") < html.index("Older story")
    assert "Crowds at dawn" in html
    assert latest.get_absolute_url() in html


def test_home_lists_use_constant_queries(client, django_assert_max_num_queries):
    for n in range(25):
        make_article(
            authors=[make_author()],
            photos=[make_photo()],
            tags=[f"t{n}"],
            section=make_section(),
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("articles:home"))
    assert response.context["is_paginated"]
    assert client.get(reverse("articles:home") + "?page=2").status_code == 200


def test_section_tag_and_author_pages_list_only_their_published_stories(client):
    section, author = make_section(name="Sport"), make_author(name="Dana Sport")
    mine = make_article(
        headline="Derby ends level",
        section=section,
        tags=["Football"],
        authors=[author],
    )
    make_article(headline="Unrelated story")
    make_article(
        headline="Draft derby",
        section=section,
        tags=["Football"],
        authors=[author],
        status=Article.Status.DRAFT,
    )
    for url in [
        section.get_absolute_url(),
        reverse("articles:tag", args=["football"]),
        author.get_absolute_url(),
    ]:
        html = client.get(url).content.decode()
        assert mine.headline in html, url
        assert "Unrelated story" not in html, url
        assert "Draft derby" not in html, url


def test_unknown_section_tag_or_author_is_not_found(client):
    for url in ["/section/nope/", "/tag/nope/", "/author/nope/"]:
        assert client.get(url).status_code == 404


def test_caption_only_photo_shows_caption_and_credit_without_an_image(client):
    article = make_article()
    ArticlePhoto.objects.create(
        article=article, photo=make_photo(caption="A quiet street", credit="EPA")
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<img" not in html.split("<main", 1)[1]
    assert "A quiet street" in html and "EPA" in html


def test_author_link_leads_to_the_author_page(client):
    author = make_author(
        name="Eve Writer", job_title="Science editor", bio="Eve covers science."
    )
    article = make_article(authors=[author])
    assert Byline.objects.count() == 1
    html = client.get(article.get_absolute_url()).content.decode()
    assert author.get_absolute_url() in html
    page = client.get(author.get_absolute_url()).content.decode()
    assert "Science editor" in page and "Eve covers science." in page
