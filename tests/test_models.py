from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Byline, split_paragraphs

from .factories import make_article, make_author, make_photo

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_stories():
    """Only published stories whose time has come reach readers."""
    live = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(hours=2))
    assert list(Article.objects.published()) == [live]


def test_status_is_stored_as_plain_words():
    article = make_article(status=Article.Status.DRAFT)
    assert (
        Article.objects.values_list("status", flat=True).get(pk=article.pk) == "draft"
    )


def test_slug_is_derived_from_headline_and_unique_for_its_date():
    now = timezone.now()
    first = make_article(headline="Floods close the ring road", published_at=now)
    second = make_article(headline="Floods close the ring road", published_at=now)
    next_day = make_article(
        headline="Floods close the ring road", published_at=now + timedelta(days=1)
    )
    assert first.slug == "floods-close-the-ring-road"
    assert second.slug == "floods-close-the-ring-road-2"
    assert next_day.slug == "floods-close-the-ring-road"


def test_arabic_headline_gives_an_arabic_slug_and_right_to_left_text():
    article = make_article(headline="مدارس القرية تعمل بالطاقة الشمسية", language="ar")
    assert article.slug == "مدارس-القرية-تعمل-بالطاقة-الشمسية"
    assert article.text_direction == "rtl"
    assert make_article(language="en").text_direction == "ltr"
    assert make_article(language="xx-unknown").text_direction == "ltr"


def test_absolute_url_carries_the_publication_date_and_slug():
    article = make_article(
        headline="Council votes", published_at=datetime(2026, 3, 5, 9, tzinfo=UTC)
    )
    assert article.get_absolute_url() == "/2026/03/05/council-votes/"


def test_body_paragraphs_keep_their_order_and_text():
    body = (
        'First "quoted" line.\n\n\n\nSecond  paragraph\nwith a line break.\r\n\r\n'
        "Third."
    )
    assert split_paragraphs(body) == [
        'First "quoted" line.',
        "Second  paragraph\nwith a line break.",
        "Third.",
    ]


def test_lead_photo_is_the_marked_one_else_the_first():
    article = make_article(photos=[make_photo(), make_photo()])
    uses = list(article.article_photos.all())
    assert article.lead_photo == uses[0]
    uses[0].is_lead, uses[1].is_lead = False, True
    for use in uses:
        use.save()
    assert Article.objects.get(pk=article.pk).lead_photo == uses[1]


def test_photo_caption_can_be_overridden_for_one_story():
    photo = make_photo(caption="Original caption")
    first = make_article(photos=[photo])
    second = make_article(photos=[photo])
    use = second.article_photos.get()
    use.caption_override = "Caption for this story"
    use.save()
    assert first.article_photos.get().caption == "Original caption"
    assert second.article_photos.get().caption == "Caption for this story"


def test_bylines_group_by_role_in_order():
    ann, bob, cy = (
        make_author(name="Ann"),
        make_author(name="Bob"),
        make_author(name="Cy"),
    )
    article = make_article(authors=[ann, bob])
    Byline.objects.create(
        article=article, author=cy, role="Additional reporting by", position=5
    )
    assert [
        (role, [a.name for a in authors]) for role, authors in article.byline_groups
    ] == [
        ("By", ["Ann", "Bob"]),
        ("Additional reporting by", ["Cy"]),
    ]


def test_text_typed_in_a_browser_is_stored_with_plain_newlines():
    """Browsers send CRLF from textareas; paragraphs must still split the same way."""
    article = make_article(
        body="One.\r\n\r\nTwo.\r\nStill two.", standfirst="Lead.\r\n"
    )
    article.refresh_from_db()
    assert article.body == "One.\n\nTwo.\nStill two."
    assert article.paragraphs == ["One.", "Two.\nStill two."]
