"""Media in S3-compatible object storage, switched on by environment variables alone.

Runs against moto's S3 server (a real HTTP endpoint on a free local port), with
the storages that newsroom/settings.py builds from the AWS_* variables: once with
one bucket (media and originals under their own prefixes) and once with a separate
bucket for originals.
"""

import io
import re
import runpy
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from articles.models import Photo
from photos.renditions import pregenerate, rendition_url

from . import images
from .factories import make_article, make_photo, make_user

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "newsroom" / "settings.py"
GPS_IFD = 0x8825


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@dataclass
class Buckets:
    endpoint: str
    client: object
    media: str
    originals: str

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        listed = self.client.list_objects_v2(Bucket=bucket, Prefix=prefix)
        return [item["Key"] for item in listed.get("Contents", [])]

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def anonymous_get(self, bucket: str, key: str) -> int:
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{bucket}/{key}") as reply:
                return reply.status
        except urllib.error.HTTPError as error:
            return error.code


def configure(monkeypatch, **variables: str) -> dict:
    """Run newsroom/settings.py with these variables; give its settings."""
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.fixture(params=["one-bucket", "own-originals-bucket"])
def buckets(request, endpoint, monkeypatch, settings) -> Buckets:
    media = f"newsroom-media-{uuid.uuid4().hex[:8]}"
    originals = f"newsroom-originals-{uuid.uuid4().hex[:8]}"
    separate = request.param == "own-originals-bucket"
    variables = {
        "AWS_STORAGE_BUCKET_NAME": media,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "newsroom-test",
        "AWS_SECRET_ACCESS_KEY": "newsroom-test-secret",
    }
    if separate:
        variables["AWS_ORIGINALS_BUCKET_NAME"] = originals
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="newsroom-test",
        aws_secret_access_key="newsroom-test-secret",
    )
    client.create_bucket(Bucket=media)
    if separate:
        client.create_bucket(Bucket=originals)
    settings.STORAGES = configure(monkeypatch, **variables)["STORAGES"]
    return Buckets(endpoint, client, media, originals if separate else media)


def test_an_uploaded_original_stays_private_in_the_bucket(buckets, client):
    client.force_login(make_user("photo-desk"))
    data = images.jpeg_with_gps_and_iptc()
    response = client.post(
        reverse("admin:articles_photo_add"),
        {
            "image": SimpleUploadedFile("dawn.jpg", data, "image/jpeg"),
            "caption": "Fishermen at dawn",
            "credit": "AFP",
            "alt_text": "Two boats leave the harbour at sunrise",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = Photo.objects.get()
    key = f"originals/{photo.image.name}"
    assert buckets.read(buckets.originals, key) == data
    assert buckets.anonymous_get(buckets.originals, key) == 403
    assert not [k for k in buckets.keys(buckets.media, "media/") if "dawn" in k]
    # Its only address is the admin's, which serves it to the photo desk alone.
    original = reverse("admin:articles_photo_original", args=[photo.image.name])
    assert photo.image.url == original
    served = client.get(photo.image.url)
    assert b"".join(served.streaming_content) == data
    client.logout()
    assert client.get(photo.image.url).status_code == 302  # to the login page


def test_renditions_are_made_in_the_bucket_and_served_at_img(buckets, client):
    photo = make_photo(alt_text="Boats in the harbour at sunrise")
    photo.image.save("harbour.jpg", ContentFile(images.jpeg_with_gps_and_iptc()))
    story = make_article(headline="Harbour reopens", photos=[photo])
    made = pregenerate(photo)
    assert made
    stored = buckets.keys(buckets.media, "media/renditions/")
    assert sorted(f"media/{r.file}" for r in made) == sorted(stored)

    page = client.get(story.get_absolute_url()).content.decode()
    assert buckets.endpoint not in page and buckets.media not in page
    address = re.search(r'(/img/[^" ,]+\.webp)', page).group(1)
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    body = b"".join(response.streaming_content)
    rendition = next(r for r in made if address.endswith(r.file.rsplit("/", 1)[-1]))
    assert body == buckets.read(buckets.media, f"media/{rendition.file}")
    assert GPS_IFD not in Image.open(io.BytesIO(body)).getexif()


def test_a_rendition_asked_for_first_is_made_into_the_bucket(buckets, client):
    photo = make_photo(alt_text="A ferry")
    photo.image.save("ferry.jpg", ContentFile(images.jpeg((800, 450))))
    make_article(photos=[photo])
    assert buckets.keys(buckets.media, "media/") == []
    response = client.get(rendition_url(photo, "16x9", 320, "jpg"))
    assert response.status_code == 200
    (key,) = buckets.keys(buckets.media, "media/")
    assert key.endswith("/16x9-320.jpg")
    assert b"".join(response.streaming_content) == buckets.read(buckets.media, key)


@pytest.mark.parametrize(
    "variables",
    [
        {"AWS_MEDIA_PREFIX": ""},
        {"AWS_ORIGINALS_PREFIX": "media/originals"},
        {"AWS_ORIGINALS_PREFIX": "media"},
    ],
)
def test_originals_are_refused_a_place_inside_the_media_prefix(monkeypatch, variables):
    with pytest.raises(ImproperlyConfigured, match="AWS_ORIGINALS_PREFIX"):
        configure(monkeypatch, AWS_STORAGE_BUCKET_NAME="newsroom", **variables)
