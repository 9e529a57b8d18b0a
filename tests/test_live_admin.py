"""Live coverage in the admin, by role: every case is a real request to the server."""

import pytest
import reversion
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article
from live.models import LiveEntry, LiveEntryCorrection

from .factories import make_article, make_author, make_live_entry, make_photo
from .test_workflow import form_data, post_change, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "live-admin-tests",
        }
    }


def entry_form(article: Article, author, **changes) -> dict:
    now = timezone.localtime()
    data = {
        "article": article.pk, "title": "", "body": "Tanks seen near the bridge.",
        "author": author.pk, "photo": "", "photo_caption": "", "photo_credit": "",
        "created_at_0": f"{now:%Y-%m-%d}", "created_at_1": f"{now:%H:%M:%S}",
        "corrections-TOTAL_FORMS": "0", "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0", "corrections-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    return data | changes


def add_entry(client, article: Article, author, **changes):
    url = reverse("admin:live_liveentry_add")
    return client.post(url, entry_form(article, author, **changes))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("Reporter", True), ("Editor", True), ("Photo editor", False)],
)
def test_reporters_and_editors_add_entries_to_a_live_story(client, role, allowed):
    client.force_login(user_with_role(role))
    story = make_article(is_live=True)
    response = add_entry(client, story, make_author(), is_key_moment="on")
    assert LiveEntry.objects.filter(article=story).exists() is allowed
    if allowed:
        assert response.status_code == 302
        assert LiveEntry.objects.get().is_key_moment
    else:
        assert response.status_code == 403


def test_no_entry_is_added_to_a_story_that_is_not_live(client):
    client.force_login(user_with_role("Reporter"))
    story = make_article(is_live=False)
    response = add_entry(client, story, make_author())
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_the_story_picker_offers_only_live_stories(client):
    client.force_login(user_with_role("Reporter"))
    live = make_article(headline="Live: the offensive", is_live=True)
    make_article(headline="Quiet story")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "live", "model_name": "liveentry", "field_name": "article"},
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(live.pk)]


def test_entry_form_starts_with_the_reporters_own_byline(client):
    reporter = user_with_role("Reporter")
    author = make_author(name="Lina Haddad", user=reporter)
    client.force_login(reporter)
    response = client.get(reverse("admin:live_liveentry_add"))
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["author"] == author.pk


def test_reporter_can_add_an_entry_but_cannot_close_the_coverage(client):
    reporter = user_with_role("Reporter")
    client.force_login(reporter)
    story = make_article(is_live=True)
    assert add_entry(client, story, make_author()).status_code == 302
    # A published story is the editors' to change: the whole edit is refused.
    assert post_change(client, story).status_code == 403
    story.refresh_from_db()
    assert story.is_live and story.live_ended_at is None
    with pytest.raises(PermissionDenied):
        workflow.check_live_change(reporter, True, False)


@pytest.mark.parametrize("was_live", [True, False])
def test_reporter_form_keeps_the_coverage_as_it_was_whatever_is_posted(
    client, was_live
):
    """On a reporter's own draft the field is disabled: a forged value is ignored."""
    reporter = user_with_role("Reporter")
    client.force_login(reporter)
    draft = make_article(status="draft", created_by=reporter, is_live=was_live)
    posted = {} if was_live else {"is_live": "on"}
    response = client.post(
        reverse("admin:articles_article_change", args=[draft.pk]),
        form_data(draft, headline="Edited by its reporter", **posted),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "Edited by its reporter"
    assert draft.is_live is was_live


def test_editor_opens_and_closes_the_coverage(client):
    client.force_login(user_with_role("Editor"))
    story = make_article()
    assert post_change(client, story, is_live="on").status_code == 302
    story.refresh_from_db()
    assert story.is_live and story.live_started_at is not None
    response = client.get(story.get_absolute_url())
    assert b"data-live-status>Live<" in response.content
    assert post_change(client, story).status_code == 302
    story.refresh_from_db()
    assert not story.is_live and story.live_ended_at is not None
    response = client.get(story.get_absolute_url())
    assert b"data-live-status>Ended<" in response.content


def test_entries_of_ended_coverage_are_the_editors_to_change(client):
    story = make_article(is_live=True)
    entry = make_live_entry(story, body="Three bridges were hit.")
    story.is_live = False
    story.save()
    url = reverse("admin:live_liveentry_change", args=[entry.pk])
    data = entry_form(story, entry.author, body="Two bridges were hit.")
    data.pop("article")  # read-only once the entry exists

    client.force_login(user_with_role("Reporter"))
    assert client.post(url, data).status_code == 403
    entry.refresh_from_db()
    assert entry.body == "Three bridges were hit."

    client.force_login(user_with_role("Editor"))
    correction = {
        "corrections-TOTAL_FORMS": "1",
        "corrections-0-text": "An earlier version said three bridges.",
        "corrections-0-created_at_0": f"{timezone.localtime():%Y-%m-%d}",
        "corrections-0-created_at_1": f"{timezone.localtime():%H:%M:%S}",
    }
    response = client.post(url, data | correction)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.body == "Two bridges were hit."
    assert LiveEntryCorrection.objects.get(entry=entry).text == (
        "An earlier version said three bridges."
    )


def test_reporter_cannot_reopen_coverage_by_restoring_a_revision(client):
    reporter = user_with_role("Reporter")
    draft = make_article(status="draft", created_by=reporter, is_live=True)
    with reversion.create_revision():
        draft.save()
    draft.is_live = False
    with reversion.create_revision():
        draft.save()
    live_version = Version.objects.get_for_object(draft).last()
    client.force_login(reporter)
    url = reverse("admin:articles_article_restore", args=[draft.pk, live_version.pk])
    assert client.post(url).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_live


def test_entry_change_page_shows_its_permalink_and_photo(client):
    story = make_article(is_live=True)
    entry = make_live_entry(story, photo=make_photo(caption="Smoke"))
    client.force_login(user_with_role("Editor"))
    response = client.get(reverse("admin:live_liveentry_change", args=[entry.pk]))
    assert response.status_code == 200
    assert f'href="{story.get_absolute_url()}#entry-{entry.pk}"' in (
        response.content.decode()
    )
    listing = client.get(reverse("admin:live_liveentry_changelist"))
    assert listing.status_code == 200 and entry.body in listing.content.decode()
