"""The admin's Import page: upload, preview (a dry run), confirm or cancel."""

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.admin_import import SESSION_KEY
from articles.models import Article, Photo

from .factories import make_user

pytestmark = pytest.mark.django_db
URL = "/admin/articles/article/import/"


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path) -> Path:
    settings.ARTICLE_IMPORT_UPLOADS = tmp_path / "uploads"
    return settings.ARTICLE_IMPORT_UPLOADS


@pytest.fixture
def editor_client(client):
    user = make_user("desk", superuser=False)
    user.groups.add(Group.objects.get(name="Editor"))
    client.force_login(user)
    return client


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def preview(client, *files, **options):
    response = client.post(URL, {"files": list(files), **options})
    assert response.status_code == 200, response.content[:2000]
    return response


def test_url_is_the_one_the_issue_names():
    assert reverse("admin:articles_article_import") == URL


def test_reporters_may_not_import(client):
    reporter = make_user("reporter", superuser=False)
    reporter.groups.add(Group.objects.get(name="Reporter"))
    client.force_login(reporter)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "confirm", "token": "x" * 22}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_editors_see_an_import_button_on_the_story_list(editor_client):
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    assert f'href="{URL}"' in response.content.decode()


def test_preview_writes_nothing_then_confirm_imports(editor_client, seed_path):
    response = preview(editor_client, upload("seed.txt", seed_path.read_bytes()))

    page = response.content.decode()
    assert "Importing 1 file would give:" in page
    assert "created 1" in page and "seed.txt" in page
    assert "Iraqi forces say Daesh retreating deep into desert" in page
    assert "/uploads/" not in page  # the server's folder is not shown
    assert not Article.objects.exists() and not Photo.objects.exists()
    token = response.context["token"]

    done = editor_client.post(URL, {"action": "confirm", "token": token})

    assert done.status_code == 200
    article = Article.objects.get()
    assert article.source_id == "plain:seed.txt"
    assert article.created_by.username == "desk"
    assert "Imported 1 file:" in done.content.decode()
    assert reverse("admin:articles_article_change", args=[article.pk]) in (
        done.content.decode()
    )
    assert token not in editor_client.session[SESSION_KEY]


def test_confirming_twice_imports_once(editor_client, seed_path):
    response = preview(editor_client, upload("seed.txt", seed_path.read_bytes()))
    token = response.context["token"]
    editor_client.post(URL, {"action": "confirm", "token": token})

    again = editor_client.post(URL, {"action": "confirm", "token": token}, follow=True)

    assert "already done or cancelled" in again.content.decode()
    assert Article.objects.count() == 1


def test_cancel_stores_nothing_and_removes_the_upload(
    editor_client, seed_path, uploads
):
    response = preview(editor_client, upload("seed.txt", seed_path.read_bytes()))
    token = response.context["token"]
    assert (uploads / token / "seed.txt").is_file()

    cancelled = editor_client.post(
        URL, {"action": "cancel", "token": token}, follow=True
    )

    assert "Import cancelled" in cancelled.content.decode()
    assert not (uploads / token).exists()
    assert not Article.objects.exists()


def test_a_token_from_elsewhere_is_refused(editor_client, client, seed_path):
    """Another session's token, or a made-up path, imports nothing."""
    response = preview(editor_client, upload("seed.txt", seed_path.read_bytes()))
    token = response.context["token"]
    other = make_user("other-editor")
    client.force_login(other)

    refused = client.post(URL, {"action": "confirm", "token": token}, follow=True)
    traversal = client.post(URL, {"action": "confirm", "token": "../../etc"})

    assert "already done or cancelled" in refused.content.decode()
    assert traversal.status_code == 302
    assert not Article.objects.exists()


def test_a_zip_and_a_broken_file_are_previewed_file_by_file(editor_client, seed_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("world/seed.txt", seed_path.read_bytes())
        zipped.writestr("world/empty.txt", b"\n")

    response = preview(
        editor_client,
        upload("wire.zip", archive.getvalue()),
        upload("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00"),
    )

    rows = {row.name: row for row in response.context["rows"]}
    assert rows["binary.txt"].reason == "binary data, not text"
    assert rows["wire.zip:world/empty.txt"].reason == "empty file"
    assert rows["wire.zip:world/seed.txt"].outcome == "created"

    editor_client.post(URL, {"action": "confirm", "token": response.context["token"]})

    assert Article.objects.get().source_id == "plain:world/seed.txt"


def test_preview_of_an_update_shows_the_changes(editor_client, seed_path):
    token = preview(editor_client, upload("seed.txt", seed_path.read_bytes())).context[
        "token"
    ]
    editor_client.post(URL, {"action": "confirm", "token": token})
    newer = seed_path.read_bytes().replace(b"deep into desert", b"into the sand")

    response = preview(editor_client, upload("seed.txt", newer))

    page = response.content.decode()
    assert "updated 1" in page
    assert "<del>deep </del>" in page and "<ins>the sand</ins>" in page
    assert Article.objects.get().headline.endswith("deep into desert")


def test_options_chosen_at_upload_apply_at_confirmation(editor_client, seed_path):
    response = preview(
        editor_client, upload("seed.txt", seed_path.read_bytes()), publish="on"
    )
    editor_client.post(
        URL, {"action": "confirm", "token": response.context["token"], "publish": ""}
    )

    assert Article.objects.published().count() == 1


def test_two_files_with_one_name_are_refused(editor_client):
    response = editor_client.post(
        URL,
        {"files": [upload("a.txt", b"A\n\nB.\n"), upload("a.txt", b"C\n\nD.\n")]},
    )

    assert "Two files have the same name." in response.content.decode()


def test_suggested_tags_are_shown_on_the_story(editor_client, seed_path):
    token = preview(editor_client, upload("seed.txt", seed_path.read_bytes())).context[
        "token"
    ]
    editor_client.post(URL, {"action": "confirm", "token": token})
    article = Article.objects.get()

    page = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()

    assert "suggested tags" in page.lower()
    assert "Hashed al-Shaabi" in page and "Hatra" in page
