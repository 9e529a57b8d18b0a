"""The page cache: anonymous readers get stored pages, and never a stale one."""

import json
import time
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.interchange.data import ParsedStory
from articles.interchange.native import export_native, parse_native, write_native
from articles.interchange.writer import write_story
from articles.models import Article, Correction
from articles.preview import preview_url
from articles.revisions import restore
from pagecache import invalidate
from pagecache.http import is_storable
from pagecache.tags import request_tags

from .factories import (
    make_article,
    make_author,
    make_photo,
    make_section,
    make_user,
)

pytestmark = pytest.mark.django_db


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def warm(client, *urls: str) -> None:
    """Request each page twice: the second answer must come from the cache."""
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url


@pytest.fixture
def editor():
    return make_user("editor")


def test_a_page_is_computed_once_then_served_without_a_query(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE = True  # tests counting queries have it off by default
    make_article(headline="Cached story")
    home = reverse("articles:home")
    first = client.get(home)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(home)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_query_string_host_and_head_share_or_split_keys_as_they_should(client):
    make_article()
    home = reverse("articles:home")
    client.get(home)
    assert client.head(home)["X-Page-Cache"] == "hit"
    assert client.get(home + "?page=1")["X-Page-Cache"] == "miss"
    assert client.get(home, HTTP_HOST="localhost")["X-Page-Cache"] == "miss"


def test_publishing_makes_home_story_tag_page_and_feed_current_at_once(client, editor):
    old = make_article(headline="Old news", tags=["Rivers"])
    draft = make_article(
        headline="Fresh flood warning", status="draft", tags=["Rivers"]
    )
    pages = [
        reverse("articles:home"),
        reverse("articles:tag", kwargs={"slug": "rivers"}),
        reverse("articles:feed"),
        old.get_absolute_url(),
    ]
    warm(client, *pages)
    assert client.get(draft.get_absolute_url()).status_code == 404

    workflow.publish(draft, editor)

    for url in pages[:3]:
        assert "Fresh flood warning" in text(client, url), url
    assert client.get(draft.get_absolute_url()).status_code == 200
    # The old story's page lists related stories by tag: the new one is among them.
    assert "Fresh flood warning" in text(client, old.get_absolute_url())


def test_an_edit_shows_on_every_page_at_once(client):
    article = make_article(headline="First headline", section=make_section())
    pages = [
        reverse("articles:home"),
        article.get_absolute_url(),
        reverse("articles:section", kwargs={"slug": article.section.slug}),
        reverse("articles:api_article", kwargs={"pk": article.pk}),
    ]
    warm(client, *pages)
    article.headline = "Second headline"
    article.save()
    for url in pages:
        page = text(client, url)
        assert "Second headline" in page and "First headline" not in page, url


def test_withdrawing_by_the_admin_bulk_action_takes_the_story_down_at_once(
    client, editor
):
    article = make_article(headline="Story to withdraw")
    home = reverse("articles:home")
    warm(client, home, article.get_absolute_url())
    admin = client.__class__()
    admin.force_login(editor)
    admin.post(
        reverse("admin:articles_article_changelist"),
        {"action": "withdraw", "_selected_action": [article.pk]},
    )
    assert LogEntry.objects.filter(object_id=str(article.pk)).exists()
    assert client.get(article.get_absolute_url()).status_code == 410
    assert "Story to withdraw" not in text(client, home)


def test_a_correction_shows_on_the_story_page_at_once(client):
    article = make_article()
    warm(client, article.get_absolute_url())
    Correction.objects.create(article=article, text="An earlier version misnamed it.")
    assert "misnamed" in text(client, article.get_absolute_url())


def test_a_tag_change_moves_the_story_between_tag_pages_at_once(client):
    article = make_article(headline="Tagged story", tags=["Rivers"])
    rivers = reverse("articles:tag", kwargs={"slug": "rivers"})
    warm(client, rivers, article.get_absolute_url())
    article.tags.set(["Deserts"])
    assert "Tagged story" not in text(client, rivers)
    assert "Tagged story" in text(
        client, reverse("articles:tag", kwargs={"slug": "deserts"})
    )


def test_a_photo_caption_change_shows_in_every_story_using_it(client):
    photo = make_photo(caption="Old caption of the bridge")
    first = make_article(photos=[photo])
    second = make_article(photos=[photo])
    warm(client, first.get_absolute_url(), second.get_absolute_url())
    photo.caption = "New caption of the bridge"
    photo.save()
    for article in (first, second):
        assert "New caption of the bridge" in text(client, article.get_absolute_url())


def test_renaming_an_author_or_a_section_shows_at_once(client):
    author, section = make_author(name="Ann Writer"), make_section(name="Weather")
    article = make_article(authors=[author], section=section)
    author_page = reverse("articles:author", kwargs={"slug": author.slug})
    warm(client, author_page, article.get_absolute_url())
    author.name = "Ann Renamed"
    author.save()
    section.name = "Climate"
    section.save()
    assert "Ann Renamed" in text(client, author_page)
    page = text(client, article.get_absolute_url())
    assert "Ann Renamed" in page and "Climate" in page


def test_a_new_byline_shows_at_once(client):
    article = make_article()
    warm(client, article.get_absolute_url())
    article.bylines.create(author=make_author(name="Bea Added"))
    assert "Bea Added" in text(client, article.get_absolute_url())


def test_restoring_a_revision_shows_the_restored_text_at_once(client, editor):
    import reversion

    with reversion.create_revision():
        article = make_article(headline="Original headline")
    with reversion.create_revision():
        article.headline = "Rewritten headline"
        article.save()
    warm(client, article.get_absolute_url())
    oldest = Version.objects.get_for_object(article).order_by("pk").first()
    restore(oldest, user=editor)
    assert "Original headline" in text(client, article.get_absolute_url())


def test_a_reimport_shows_the_new_text_at_once(client):
    def story(headline: str) -> ParsedStory:
        return ParsedStory(
            headline=headline,
            standfirst="Standfirst.",
            paragraphs=["One paragraph."],
            photos=[],
            agency="AFP",
            leftovers=[],
            date_in_text=None,
            language="en",
            text=headline,
        )

    write_story(story("Wire headline"), source_id="wire-1", publish=True)
    home = reverse("articles:home")
    warm(client, home)
    write_story(story("Wire headline, updated"), source_id="wire-1", publish=True)
    assert "Wire headline, updated" in text(client, home)


def test_a_native_import_written_in_bulk_shows_at_once(client):
    make_article(headline="Bulk imported story", tags=["Rivers"])
    exported = export_native()
    Article.objects.all().delete()
    home = reverse("articles:home")
    warm(client, home)
    write_native(parse_native(exported))
    assert "Bulk imported story" in text(client, home)


def test_a_fixture_loaded_with_loaddata_shows_at_once(
    client, tmp_path, django_capture_on_commit_callbacks
):
    make_article(headline="Loaded from a fixture")
    make_article(headline="Another loaded story")
    make_article(headline="A third loaded story")
    fixture = tmp_path / "stories.json"
    call_command("dumpdata", "articles.article", output=str(fixture))
    Article.objects.all().delete()
    home = reverse("articles:home")
    warm(client, home)
    # loaddata's raw saves invalidate once, when its transaction commits.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("loaddata", str(fixture), verbosity=0)
    assert len(callbacks) == 1
    assert "Loaded from a fixture" in text(client, home)


def test_a_fixture_that_unpublishes_a_story_takes_it_down_at_once(
    client, tmp_path, django_capture_on_commit_callbacks
):
    article = make_article(headline="Unpublished by a fixture")
    fixture = tmp_path / "stories.json"
    call_command("dumpdata", "articles.article", output=str(fixture))
    records = json.loads(fixture.read_text())
    records[0]["fields"]["status"] = Article.Status.DRAFT
    fixture.write_text(json.dumps(records))
    home = reverse("articles:home")
    warm(client, home, article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", str(fixture), verbosity=0)
    assert "Unpublished by a fixture" not in text(client, home)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_saving_a_draft_leaves_cached_pages_cached(client):
    make_article()
    draft = make_article(status="draft")
    home = reverse("articles:home")
    warm(client, home)
    draft.body = "Still being written."
    draft.save()
    assert client.get(home)["X-Page-Cache"] == "hit"


def test_moving_a_published_story_back_to_draft_takes_it_down_at_once(client):
    article = make_article(headline="Pulled back")
    home = reverse("articles:home")
    warm(client, home)
    article.status = Article.Status.DRAFT
    article.save()
    assert "Pulled back" not in text(client, home)


def test_a_scheduled_story_appears_at_its_time_while_pages_are_cached(client, editor):
    make_article()
    article = make_article(headline="Scheduled while cached", status="draft")
    workflow.publish(article, editor, at=timezone.now() + timedelta(seconds=1.5))
    home, feed = reverse("articles:home"), reverse("articles:feed")
    warm(client, home, feed)
    assert "Scheduled while cached" not in text(client, home)
    time.sleep(1.6)
    assert "Scheduled while cached" in text(client, home)
    assert "Scheduled while cached" in text(client, feed)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_live_story_page_depends_on_its_own_tag(client):
    article, other = make_article(is_live=True), make_article(is_live=True)
    warm(client, article.get_absolute_url(), other.get_absolute_url())
    invalidate(f"article:{article.pk}")
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_story_never_live_reads_no_tag_of_its_own(client):
    """Only live entries invalidate a story's own tag alone; a story without
    coverage shows none, so its page needs one version read fewer."""
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert request_tags(response.wsgi_request) == {"content"}
    invalidate(f"article:{article.pk}")
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_signed_in_editors_never_get_or_leave_cached_pages(client, editor):
    make_article(headline="Seen by all")
    home = reverse("articles:home")
    warm(client, home)
    signed_in = client.__class__()
    signed_in.force_login(editor)
    response = signed_in.get(home)
    assert response.status_code == 200
    assert not response.has_header("X-Page-Cache")
    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    # Nor does an editor's page reach anonymous readers.
    page = reverse("articles:section", kwargs={"slug": make_section().slug})
    signed_in.get(page)
    assert client.get(page)["X-Page-Cache"] == "miss"


def test_anonymous_readers_get_public_headers_for_a_cdn(client, settings):
    settings.PAGE_CACHE_MAX_AGE = 30
    make_article()
    for response in (client.get("/"), client.get("/")):
        cache_control = response["Cache-Control"]
        assert "public" in cache_control
        assert "max-age=30" in cache_control
        assert "stale-while-revalidate=30" in cache_control
        assert "Cookie" in response["Vary"]
        assert response.has_header("ETag") and response.has_header("Last-Modified")


def test_public_headers_never_outlast_the_next_scheduled_story(client, editor):
    article = make_article(status="draft")
    workflow.publish(article, editor, at=timezone.now() + timedelta(seconds=20))
    cache_control = client.get("/")["Cache-Control"]
    max_age = int(cache_control.split("max-age=")[1].split(",")[0])
    assert 0 < max_age <= 20
    assert "stale-while-revalidate" not in cache_control


def test_if_none_match_and_if_modified_since_get_304(client):
    article = make_article()
    url = article.get_absolute_url()
    first = client.get(url)
    for response in (first, client.get(url)):  # a miss, then a hit
        etag, modified = response["ETag"], response["Last-Modified"]
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304


def test_a_changed_page_never_answers_304_to_the_old_validators(client):
    """Even when the change and both copies fall within the same second."""
    article = make_article(headline="Before")
    url = article.get_absolute_url()
    old = client.get(url)
    article.headline = "After"
    article.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=old["ETag"]).status_code == 200
    changed = client.get(url, HTTP_IF_MODIFIED_SINCE=old["Last-Modified"])
    assert changed.status_code == 200
    assert b"After" in changed.content


def test_the_api_keeps_its_own_etag_through_the_cache(client):
    make_article()
    url = reverse("articles:api_articles")
    first = client.get(url)
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == first["Cache-Control"] == "public, max-age=60"
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_not_found_pages_are_cached_until_content_changes(client, editor):
    article = make_article(status="draft")
    url = article.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.get(url)["X-Page-Cache"] == "hit"
    workflow.publish(article, editor)
    assert client.get(url).status_code == 200


def test_admin_and_preview_pages_are_never_cached(client):
    article = make_article(status="draft")
    login = reverse("admin:login")
    client.get(login)
    assert not client.get(login).has_header("X-Page-Cache")
    preview = preview_url(article)
    assert client.get(preview).status_code == 200
    response = client.get(preview)
    assert not response.has_header("X-Page-Cache")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.set_cookie("seen", "1"),
        lambda r: r.headers.__setitem__("Cache-Control", "private"),
        lambda r: r.headers.__setitem__("Cache-Control", "no-store"),
        lambda r: r.headers.__setitem__("Vary", "Accept-Language"),
        lambda r: setattr(r, "status_code", 500),
        lambda r: setattr(r, "status_code", 302),
    ],
    ids=["cookie", "private", "no-store", "vary", "error", "redirect"],
)
def test_responses_that_are_not_the_same_for_everyone_are_not_stored(change):
    response = HttpResponse("page")
    assert is_storable(response)
    change(response)
    assert not is_storable(response)


def test_page_cache_off_serves_every_page_afresh(client, settings):
    settings.PAGE_CACHE = False
    make_article()
    client.get("/")
    assert not client.get("/").has_header("X-Page-Cache")


def test_stored_pages_keep_their_security_headers(client):
    make_article()
    first, second = client.get("/"), client.get("/")
    assert second["X-Page-Cache"] == "hit"
    for header in ("X-Frame-Options", "Content-Security-Policy", "Content-Type"):
        assert second[header] == first[header], header
