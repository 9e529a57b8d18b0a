"""States and time as readers meet them: scheduling, embargo, withdrawal, updates,
previews."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles import preview, workflow
from articles.models import Article

from .factories import make_article, make_user

pytestmark = pytest.mark.django_db


def visible_everywhere(client, article: Article) -> dict[str, bool]:
    home = client.get(reverse("articles:home")).content.decode()
    feed = client.get(reverse("articles:feed")).content.decode()
    page = client.get(article.get_absolute_url())
    return {
        "home": article.headline in home,
        "feed": article.headline in feed,
        "page": page.status_code == 200,
    }


def test_scheduled_story_goes_live_by_itself_at_its_time(client):
    """No job runs: the public query compares the publication time with now."""
    editor = make_user("editor")
    article = make_article(headline="Scheduled story", status="draft")
    workflow.publish(article, editor, at=timezone.now() + timedelta(seconds=1.5))
    assert visible_everywhere(client, article) == {
        "home": False,
        "feed": False,
        "page": False,
    }
    time.sleep(1.6)
    assert visible_everywhere(client, article) == {
        "home": True,
        "feed": True,
        "page": True,
    }


def test_embargoed_story_is_hidden_everywhere_until_the_embargo_lifts(client):
    article = make_article(headline="Embargoed story")
    article.embargo_until = timezone.now() + timedelta(hours=1)
    article.save()
    assert visible_everywhere(client, article) == {
        "home": False,
        "feed": False,
        "page": False,
    }
    article.embargo_until = timezone.now() - timedelta(seconds=1)
    article.save()
    assert visible_everywhere(client, article) == {
        "home": True,
        "feed": True,
        "page": True,
    }


def test_withdrawn_story_answers_410_gone_with_a_notice(client):
    article = make_article(headline="Story later withdrawn")
    workflow.withdraw(article, make_user("editor"))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "This story has been withdrawn" in response.content.decode()
    assert "Story later withdrawn" not in response.content.decode()
    assert visible_everywhere(client, article)["home"] is False


def test_draft_stays_404_and_in_review_too(client):
    for status in ("draft", "review"):
        article = make_article(status=status)
        assert client.get(article.get_absolute_url()).status_code == 404


def test_first_publication_takes_the_time_of_publishing_not_of_the_draft():
    created = timezone.now() - timedelta(days=3)
    article = make_article(status="draft", published_at=created)
    workflow.publish(article, make_user("editor"))
    assert article.published_at > created + timedelta(days=2)


def test_update_to_a_published_story_keeps_its_time_and_shows_updated_when_significant(
    client,
):
    editor = make_user("editor")
    client.force_login(editor)
    published = timezone.now() - timedelta(hours=5)
    article = make_article(headline="Original", published_at=published)
    from tests.test_workflow import post_change

    post_change(client, article, headline="Original, corrected")
    article.refresh_from_db()
    assert article.published_at.replace(microsecond=0) == published.replace(
        microsecond=0
    )
    assert article.updated_significantly_at is None
    assert "Updated" not in client.get(article.get_absolute_url()).content.decode()

    post_change(
        client, article, headline="Original, new facts", significant_update="on"
    )
    article.refresh_from_db()
    assert article.updated_significantly_at is not None
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Updated" in page and "Original, new facts" in page


def test_preview_link_shows_a_draft_exactly_as_readers_would_see_it(client):
    draft = make_article(headline="Draft for the lawyer", status="draft")
    response = client.get(preview.preview_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Draft for the lawyer</h1>" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_preview_link_cannot_be_altered_to_reach_another_draft(client):
    draft, other = make_article(status="draft"), make_article(status="draft")
    url = preview.preview_url(draft)
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = signing.dumps({"article": other.pk}, salt="another-salt")
    assert client.get(reverse("articles:preview", args=[forged])).status_code == 404
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("articles:preview", args=[tampered])).status_code == 404


def test_preview_link_stops_working_when_it_expires(client, settings):
    draft = make_article(status="draft")
    url = preview.preview_url(draft)
    settings.PREVIEW_LINK_HOURS = 0
    time.sleep(1.1)
    assert client.get(url).status_code == 404


def test_second_editor_is_told_who_has_the_story_open_and_since_when(client):
    article = make_article()
    first, second = make_user("ann"), make_user("bob")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(first)
    client.get(url)
    client.force_login(second)
    messages = [str(m) for m in client.get(url).context["messages"]]
    assert any(m.startswith("ann has had this story open since") for m in messages)
