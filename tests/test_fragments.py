"""A story page the page cache cannot answer is made from kept parts, never stale.

The page cache is off in every test here: each request runs the view, and what it
shows comes from the fragments (pagecache.fragments, articles.fragments) or from
the database.
"""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.interchange.native import export_native, parse_native, write_native
from articles.models import Article, ArticlePhoto, Correction
from tests.factories import make_article, make_author, make_photo, make_section


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PAGE_CACHE = False


def page(client, article: Article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def story(db):
    return make_article(
        headline="Harbour reopens",
        section=make_section(name="City", slug="city"),
        authors=[make_author(name="Ann Writer")],
        photos=[make_photo(caption="Ferries at dawn")],
        tags=["Harbour"],
    )


def test_a_kept_story_page_costs_one_query(client, story, django_assert_num_queries):
    page(client, story)
    with django_assert_num_queries(1):
        html = page(client, story)
    assert "Harbour reopens" in html and "Ferries at dawn" in html


def test_another_story_published_keeps_the_story_and_renews_its_lists(
    client, story, django_assert_max_num_queries
):
    page(client, story)
    make_article(headline="Second story in the city", section=story.section)
    # The story, the two lists and the next scheduled change (stories, pins): the
    # story's own text, photos and metadata are not rendered again.
    with django_assert_max_num_queries(5):
        html = page(client, story)
    assert "Second story in the city" in html


def test_an_edit_of_the_story_shows_at_once(client, story):
    page(client, story)
    story.headline = "Harbour reopens after storm"
    story.save()
    assert "Harbour reopens after storm" in page(client, story)


def test_a_partial_save_changes_the_version_and_the_page(client, story):
    page(client, story)
    story.kicker = "Storm damage"
    story.save(update_fields=["kicker"])
    assert "Storm damage" in page(client, story)


def test_a_caption_edited_in_the_photo_library_shows_at_once(client, story):
    page(client, story)
    photo = story.article_photos.get().photo
    photo.caption = "Ferries back at the quay"
    photo.save()
    html = page(client, story)
    assert "Ferries back at the quay" in html and "Ferries at dawn" not in html


def test_an_author_renamed_shows_at_once(client, story):
    page(client, story)
    author = story.bylines.get().author
    author.name = "Ann Writer-Jones"
    author.save()
    assert "Ann Writer-Jones" in page(client, story)


def test_a_section_renamed_shows_in_the_story_and_the_navigation(client, story):
    page(client, story)
    story.section.name = "Harbour City"
    story.section.save()
    html = page(client, story)
    assert html.count("Harbour City") >= 2


def test_the_story_own_rows_show_at_once_without_a_save_of_the_story(client, story):
    page(client, story)
    story.tags.add("Ferries")
    assert ">Ferries</a>" in page(client, story)
    Correction.objects.create(article=story, text="The quay is on the east side.")
    assert "The quay is on the east side." in page(client, story)
    use = ArticlePhoto.objects.get(article=story)
    use.caption_override = "The first ferry back"
    use.save()
    assert "The first ferry back" in page(client, story)
    story.bylines.get().delete()
    assert "Ann Writer" not in page(client, story)


def test_a_scheduled_story_joins_the_lists_at_its_time(client, story):
    later = make_article(
        headline="Timed story in the city",
        section=story.section,
        published_at=timezone.now() + timedelta(seconds=1.5),
    )
    assert "Timed story in the city" not in page(client, story)
    time.sleep(max(0.0, (later.published_at - timezone.now()).total_seconds()) + 0.1)
    assert "Timed story in the city" in page(client, story)


def test_a_translation_published_links_both_pages_at_once(client, story):
    page(client, story)
    translation = make_article(
        headline="الميناء يعيد فتح أبوابه", language="ar", translation_of=story
    )
    html = page(client, story)
    assert translation.get_absolute_url() in html
    assert 'hreflang="ar"' in html


def test_a_kept_translated_story_page_costs_one_query(
    client, story, django_assert_num_queries
):
    make_article(
        headline="الميناء يعيد فتح أبوابه", language="ar", translation_of=story
    )
    page(client, story)
    with django_assert_num_queries(1):
        html = page(client, story)
    assert 'hreflang="ar"' in html


def test_a_scheduled_translation_is_linked_at_its_time(client, story):
    translation = make_article(
        headline="الميناء يعيد فتح أبوابه",
        language="ar",
        translation_of=story,
        published_at=timezone.now() + timedelta(seconds=1.5),
    )
    assert 'hreflang="ar"' not in page(client, story)
    time.sleep(
        max(0.0, (translation.published_at - timezone.now()).total_seconds()) + 0.1
    )
    html = page(client, story)
    assert 'hreflang="ar"' in html and translation.get_absolute_url() in html


def test_a_withdrawn_story_is_gone_at_once(client, story):
    page(client, story)
    story.status = Article.Status.WITHDRAWN
    story.save()
    assert client.get(story.get_absolute_url()).status_code == 410


def test_with_the_fragment_cache_off_every_part_comes_from_the_database(
    client, story, settings
):
    settings.FRAGMENT_CACHE = False
    page(client, story)
    with CaptureQueriesContext(connection) as queries:
        assert "Ferries at dawn" in page(client, story)
    # The story, its bylines, photos, tags and corrections; two lists; navigation.
    assert len(queries) >= 8


def test_an_import_that_brings_a_section_shows_it_in_the_navigation(client, story):
    desk = make_section(name="Imported desk", slug="imported-desk")
    make_article(headline="From the wire desk", section=desk)
    document = export_native()
    Article.objects.filter(section=desk).delete()
    desk.delete()
    assert "Imported desk" not in page(client, story)  # the navigation is kept
    write_native(parse_native(document))
    assert "Imported desk" in page(client, story)
