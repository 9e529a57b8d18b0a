"""Roles × actions, enforced on the server: every cell is a real request."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Photo

from .factories import make_article, make_photo, make_user

pytestmark = pytest.mark.django_db

ROLES = ["Reporter", "Editor", "Photo editor", "superuser"]


def user_with_role(role: str):
    if role == "superuser":
        return make_user("chief", superuser=True)
    user = make_user(role.lower().replace(" ", "-"), superuser=False)
    user.groups.add(Group.objects.get(name=role))
    return user


def form_data(article: Article, **changes) -> dict:
    published = timezone.localtime(article.published_at)
    data = {
        "headline": article.headline, "slug": article.slug, "kicker": article.kicker,
        "standfirst": article.standfirst, "body": article.body,
        "status": article.status, "agency": article.agency, "dateline": "",
        "published_at_0": f"{published:%Y-%m-%d}",
        "published_at_1": f"{published:%H:%M:%S}",
        "language": article.language, "tags": "", "import_notes": "",
        "version_seen": str(article.version),
    }  # fmt: skip
    for prefix in ("bylines", "article_photos", "corrections"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
        }  # fmt: skip
    return data | changes


def post_change(client, article: Article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    return client.post(url, form_data(article, **changes))


def run_action(client, action: str, *articles: Article, **extra):
    data = {
        "action": action,
        ACTION_CHECKBOX_NAME: [a.pk for a in articles],
        "index": 0,
    }
    return client.post(reverse("admin:articles_article_changelist"), data | extra)


@pytest.fixture
def desk(client):
    """Log a user of a role in; give back a story of theirs and one of someone else."""

    def login(role: str):
        user = user_with_role(role)
        client.force_login(user)
        other = make_user("someone-else", superuser=False)
        own = make_article(headline="Own draft", status="draft", created_by=user)
        others = make_article(headline="Their draft", status="draft", created_by=other)
        return user, own, others

    return login


# role: (edit own draft, edit others' draft, edit others' published, publish by form)
EXPECTED = {
    "Reporter": (True, False, False, False),
    "Editor": (True, True, True, True),
    "Photo editor": (False, False, False, False),
    "superuser": (True, True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_role_can_add_a_story_only_with_add_permission(client, role):
    client.force_login(user_with_role(role))
    response = client.get(reverse("admin:articles_article_add"))
    assert response.status_code == (403 if role == "Photo editor" else 200)


# Which story the user tries to edit, and the column of EXPECTED that says if they may.
EDIT_CASES = {"own draft": 0, "someone else's draft": 1, "someone else's published": 2}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", EDIT_CASES)
def test_role_edits_a_story(desk, client, role, case):
    """Reporters edit only their own drafts; editors edit anything; the photo desk
    edits no story. A refused edit is a 403 and changes nothing."""
    _, own, others = desk(role)
    story = own if case == "own draft" else others
    if case == "someone else's published":
        Article.objects.filter(pk=story.pk).update(status="published")
        story.refresh_from_db()
    response = post_change(client, story, headline=f"Rewritten: {case}")
    story.refresh_from_db()
    allowed = EXPECTED[role][EDIT_CASES[case]]
    assert (story.headline == f"Rewritten: {case}") is allowed
    if not allowed:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_crafted_publish_post_is_refused_without_publish_permission(desk, client, role):
    """The status menu hides "published" from reporters; a forged POST gets 403."""
    _, own, _ = desk(role)
    response = post_change(client, own, status="published")
    own.refresh_from_db()
    assert (own.status == "published") is EXPECTED[role][3]
    if not EXPECTED[role][3]:
        assert response.status_code == 403
        assert own.headline == "Own draft"


@pytest.mark.parametrize("role", ROLES)
def test_reporter_cannot_add_a_story_that_is_already_published(client, role):
    client.force_login(user_with_role(role))
    data = form_data(make_article(), headline="Straight to print", slug="straight")
    data.pop("version_seen")
    response = client.post(
        reverse("admin:articles_article_add"), data | {"status": "published"}
    )
    created = Article.objects.filter(headline="Straight to print").exists()
    assert created is (role in {"Editor", "superuser"})
    if role == "Reporter":
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_role_submits_own_draft_for_review(desk, client, role):
    _, own, _ = desk(role)
    run_action(client, "submit_for_review", own)
    own.refresh_from_db()
    assert (own.status == "review") is (role != "Photo editor")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["publish_now", "schedule", "withdraw"])
def test_bulk_publishing_actions_need_publish_permission(desk, client, role, action):
    user, own, others = desk(role)
    if action == "withdraw":
        Article.objects.filter(pk__in=[own.pk, others.pk]).update(status="published")
    at = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
        second=0, microsecond=0
    )
    run_action(client, action, own, others, publish_at=f"{at:%Y-%m-%dT%H:%M}")
    statuses = set(
        Article.objects.filter(pk__in=[own.pk, others.pk]).values_list(
            "status", flat=True
        )
    )
    allowed = role in {"Editor", "superuser"}
    expected = {
        "publish_now": "published",
        "schedule": "published",
        "withdraw": "withdrawn",
    }[action]
    assert (statuses == {expected}) is allowed
    logged = LogEntry.objects.filter(
        user=user, object_id__in=[str(own.pk), str(others.pk)]
    )
    assert logged.count() == (2 if allowed else 0)
    if allowed and action == "schedule":
        assert set(
            Article.objects.values_list("published_at", flat=True).filter(pk=own.pk)
        ) == {at}


@pytest.mark.parametrize("role", ROLES)
def test_role_edits_photo_captions(client, role):
    client.force_login(user_with_role(role))
    photo = make_photo(caption="Old caption")
    url = reverse("admin:articles_photo_change", args=[photo.pk])
    response = client.post(
        url, {"caption": "New caption", "credit": "AFP", "alt_text": ""}
    )
    photo.refresh_from_db()
    allowed = role != "Reporter"
    assert (photo.caption == "New caption") is allowed
    if not allowed:
        assert response.status_code == 403
    assert Photo.objects.count() == 1
