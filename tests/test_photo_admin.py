"""The photo desk in the admin: checked uploads, metadata prefill, bulk upload."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Photo

from . import images
from .factories import make_article, make_photo, make_user

pytestmark = pytest.mark.django_db

BAD_FILES = {
    "bomb.png": images.bomb_png,
    "cut-off.jpg": images.truncated_jpeg,
    "notes.jpg": images.text_named_jpg,
    "logo.svg": images.svg_with_script,
    "scan.tiff": images.tiff,
}


@pytest.fixture
def desk(client):
    client.force_login(make_user("photo-desk"))
    return client


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["originals"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_uploaded_jpeg_gets_caption_credit_and_copyright_from_its_iptc(desk):
    data = images.jpeg_with_gps_and_iptc(
        caption="Fishermen at dawn",
        byline="Jane Roe",
        credit="AFP",
        copyright="© 2026 AFP",
    )
    response = desk.post(
        reverse("admin:articles_photo_add"),
        {
            "image": upload("dawn.jpg", data),
            "caption": "",
            "credit": "",
            "alt_text": "",
        },
        follow=True,
    )
    photo = Photo.objects.get()
    assert photo.caption == "Fishermen at dawn"
    assert photo.credit == "Jane Roe/AFP"
    assert photo.copyright == "© 2026 AFP"
    assert photo.original_filename == "dawn.jpg"
    assert (photo.width, photo.height) == (800, 600)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Read from the file" in shown and "Fishermen at dawn" in shown
    page = desk.get(
        reverse("admin:articles_photo_change", args=[photo.pk])
    ).content.decode()
    assert "IPTC Caption-Abstract" in page


def test_what_the_editor_typed_wins_over_the_file(desk):
    data = images.jpeg_with_gps_and_iptc(caption="From the file", credit="AFP")
    desk.post(
        reverse("admin:articles_photo_add"),
        {
            "image": upload("x.jpg", data),
            "caption": "Typed by the desk",
            "credit": "",
            "alt_text": "",
        },
    )
    photo = Photo.objects.get()
    assert photo.caption == "Typed by the desk"
    assert "AFP" in photo.credit


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_refused_with_its_reason_and_leaves_nothing(desk, name):
    response = desk.post(
        reverse("admin:articles_photo_add"),
        {
            "image": upload(name, BAD_FILES[name]()),
            "caption": "c",
            "credit": "",
            "alt_text": "",
        },
    )
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert f"{name} was refused" in errors
    assert Photo.objects.count() == 0
    assert stored_files() == []


def test_file_over_the_size_limit_is_refused(desk, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 1000
    response = desk.post(
        reverse("admin:articles_photo_add"),
        {
            "image": upload("big.jpg", images.jpeg((400, 300))),
            "caption": "",
            "credit": "",
            "alt_text": "",
        },
    )
    assert "over the" in str(response.context["adminform"].form.errors)
    assert Photo.objects.count() == 0 and stored_files() == []


def test_bulk_upload_stores_good_files_and_names_each_refused_one(desk):
    files = [
        upload(
            "one.jpg", images.jpeg_with_gps_and_iptc(caption="One", credit="Reuters")
        ),
        upload("two.png", images.png_with_transparency()),
        upload("bomb.png", images.bomb_png()),
        upload("notes.jpg", images.text_named_jpg()),
    ]
    response = desk.post(
        reverse("admin:articles_photo_bulk_upload"),
        {"files": files, "credit": "Staff"},
        follow=True,
    )
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "Stored 2 photos." in messages
    assert "bomb.png was refused" in messages and "notes.jpg was refused" in messages
    assert sorted(Photo.objects.values_list("original_filename", "credit")) == [
        ("one.jpg", "John Smith/Reuters"),
        ("two.png", "Staff"),
    ]
    assert len(stored_files()) == 2


def test_caption_only_photo_gets_its_image_attached_later(desk):
    photo = make_photo(caption="Seed caption", credit="AFP")
    response = desk.post(
        reverse("admin:articles_photo_change", args=[photo.pk]),
        {
            "image": upload("later.jpg", images.jpeg()),
            "caption": "Seed caption",
            "credit": "AFP",
            "alt_text": "Soldiers in the desert",
            "focal_x": "0.3",
            "focal_y": "0.6",
        },
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.image and photo.width == 320
    assert (photo.focal_x, photo.focal_y) == (0.3, 0.6)
    assert photo.caption == "Seed caption"


def test_original_is_not_served_under_the_public_media_url(desk):
    photo = make_photo()
    photo.image.save("private.jpg", ContentFile(images.jpeg_with_gps_and_iptc()))
    assert not photo.image.url.startswith(settings.MEDIA_URL)
    assert not photo.image.url.startswith("/" + settings.MEDIA_URL)
    assert Path(photo.image.path).is_relative_to(
        settings.STORAGES["originals"]["OPTIONS"]["location"]
    )


def test_photo_list_searches_filenames_filters_credits_and_shows_uses(desk):
    used = make_photo(caption="Harbour", credit="EPA")
    used.original_filename = "harbour-0042.jpg"
    used.save()
    make_photo(caption="Other", credit="AFP")
    article = make_article(headline="Port reopens", photos=[used])
    url = reverse("admin:articles_photo_changelist")
    assert desk.get(url, {"q": "harbour-0042"}).context["cl"].result_count == 1
    assert desk.get(url, {"credit": "EPA"}).context["cl"].result_count == 1
    page = desk.get(
        reverse("admin:articles_photo_change", args=[used.pk])
    ).content.decode()
    assert article.headline in page and "lead photo" in page


def test_original_is_served_only_to_people_who_may_see_photos(client):
    photo = make_photo()
    photo.image.save("private.jpg", ContentFile(images.jpeg_with_gps_and_iptc()))
    assert client.get(photo.image.url).status_code == 302  # to the admin login
    reader = make_user("reader", superuser=False)  # staff without photo permissions
    client.force_login(reader)
    assert client.get(photo.image.url).status_code == 403
    client.force_login(make_user("desk"))
    response = client.get(photo.image.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
